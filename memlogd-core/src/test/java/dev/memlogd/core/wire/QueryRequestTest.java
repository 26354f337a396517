package dev.memlogd.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueryRequestTest {
    private static final QueryRequest DEFAULTS = new QueryRequest(true, false, -1, -1, List.of());

    private static String rejection(String json) {
        return assertThrows(IllegalArgumentException.class, () -> QueryRequest.parse(json)).getMessage();
    }

    @Test
    void defaultRequestIsEmptyObject() {
        assertEquals("{}", DEFAULTS.toJson());
    }

    @Test
    void emptyObjectParsesToDefaults() {
        assertEquals(DEFAULTS, QueryRequest.parse("{}"));
    }

    @Test
    void toJsonWritesNonDefaultFieldsInOrder() {
        assertEquals("{\"dump\":false,\"follow\":true,\"after\":41,\"tail\":10,\"sources\":[\"sshd\",\"sshd.out\"]}",
                new QueryRequest(false, true, 41, 10, List.of("sshd", "sshd.out")).toJson());
    }

    @Test
    void toJsonOmitsDefaults() {
        assertEquals("{\"follow\":true,\"tail\":0}", new QueryRequest(true, true, -1, 0, List.of()).toJson());
    }

    @Test
    void parseReadsEveryField() {
        assertEquals(new QueryRequest(false, true, 7, 3, List.of("a", "b")),
                QueryRequest.parse(" { \"sources\" : [ \"a\" , \"b\" ], \"tail\":3, \"after\":7, \"follow\":true, \"dump\":false } "));
    }

    @Test
    void parseAcceptsExplicitDefaults() {
        assertEquals(DEFAULTS, QueryRequest.parse("{\"dump\":true,\"follow\":false,\"sources\":[]}"));
    }

    @Test
    void afterZeroAndLargestAfterAreAccepted() {
        assertEquals(0, QueryRequest.parse("{\"after\":0}").after());
        assertEquals(Long.MAX_VALUE, QueryRequest.parse("{\"after\":9223372036854775807}").after());
    }

    @Test
    void sourcesKeepEscapedAndNonAsciiCharacters() {
        List<String> names = List.of("a\"b", "back\\slash", "semi;colon", "ctl\u0001\n", "日本 😀", "", "<&>");
        QueryRequest r = new QueryRequest(true, true, -1, -1, names);
        assertEquals(r, QueryRequest.parse(r.toJson()));
    }

    @Test
    void toJsonIsOneLine() {
        String json = new QueryRequest(true, false, -1, -1, List.of("new\nline", "cr\r")).toJson();
        assertTrue(json.indexOf('\n') < 0 && json.indexOf('\r') < 0, json);
    }

    @Test
    void loneSurrogateInSourceArrivesAsReplacementCharacter() {
        QueryRequest r = new QueryRequest(true, false, -1, -1, List.of("x\ud800y"));
        assertEquals(List.of("x\ufffdy"), QueryRequest.parse(r.toJson()).sources());
    }

    @Test
    void randomRequestsRoundTrip() {
        Random random = new Random(9);
        for (int i = 0; i < 2_000; i++) {
            boolean dump = random.nextBoolean();
            boolean follow = !dump || random.nextBoolean();
            List<String> sources = new ArrayList<>();
            for (int n = random.nextInt(4); n > 0; n--) {
                sources.add(new String(EntryJsonParserTest.randomText(random, 8, new StringBuilder()),
                        java.nio.charset.StandardCharsets.UTF_8));
            }
            QueryRequest r = new QueryRequest(dump, follow, random.nextBoolean() ? -1 : random.nextLong() & Long.MAX_VALUE,
                    random.nextBoolean() ? -1 : random.nextInt(Integer.MAX_VALUE), sources, false, null,
                    random.nextInt(9) - 1);
            assertEquals(r, QueryRequest.parse(r.toJson()), r.toJson());
        }
    }

    @Test
    void unknownFieldIsRejectedNamingIt() {
        String why = rejection("{\"folow\":true}");
        assertTrue(why.contains("unknown field \"folow\""), why);
    }

    @Test
    void duplicateFieldIsRejected() {
        assertTrue(rejection("{\"tail\":1,\"tail\":2}").contains("duplicate"));
    }

    @Test
    void dumpAndFollowBothFalseIsRejected() {
        assertTrue(rejection("{\"dump\":false}").contains("nothing"));
        assertThrows(IllegalArgumentException.class, () -> new QueryRequest(false, false, -1, -1, List.of()));
    }

    @Test
    void negativeTailIsRejected() {
        assertTrue(rejection("{\"tail\":-1}").contains("\"tail\""));
    }

    @Test
    void negativeAfterIsRejected() {
        assertTrue(rejection("{\"after\":-5}").contains("\"after\""));
    }

    @Test
    void tailBeyondIntIsRejected() {
        assertTrue(rejection("{\"tail\":2147483648}").contains("\"tail\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"dump\":\"yes\"}", "{\"dump\":1}", "{\"dump\":null}", "{\"follow\":[]}",
        "{\"after\":\"5\"}", "{\"after\":1.5}", "{\"after\":1e2}", "{\"after\":null}", "{\"tail\":true}",
        "{\"sources\":\"sshd\"}", "{\"sources\":[1]}", "{\"sources\":[null]}", "{\"sources\":[[\"a\"]]}",
        "{\"sources\":null}", "{\"level\":\"err\"}", "{\"level\":3.0}", "{\"level\":null}"})
    void fieldOfWrongTypeIsRejectedNamingIt(String json) {
        String field = json.substring(2, json.indexOf('"', 2));
        String why = rejection(json);
        assertTrue(why.contains("\"" + field + "\""), why);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "null", "[]", "{", "{\"tail\":1,}", "{\"tail\":1} {}", "{tail:1}", "{\"tail\":01}",
        "{\"sources\":[\"a\",]}", "{\"sources\":[\"a\"}", "\"dump\""})
    void malformedJsonIsRejected(String json) {
        rejection(json);
    }

    @Test
    void nullTextIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> QueryRequest.parse(null));
    }

    @Test
    void constructorRejectsValuesBelowMinusOne() {
        assertThrows(IllegalArgumentException.class, () -> new QueryRequest(true, false, -2, -1, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new QueryRequest(true, false, -1, -2, List.of()));
    }

    @Test
    void constructorRejectsNullSources() {
        assertThrows(IllegalArgumentException.class, () -> new QueryRequest(true, false, -1, -1, null));
        assertThrows(IllegalArgumentException.class,
                () -> new QueryRequest(true, false, -1, -1, Arrays.asList("a", null)));
    }

    @Test
    void sourcesAreCopiedAndImmutable() {
        List<String> names = new ArrayList<>(List.of("a"));
        QueryRequest r = new QueryRequest(true, false, -1, -1, names);
        names.add("b");
        assertEquals(List.of("a"), r.sources());
        assertThrows(UnsupportedOperationException.class, () -> r.sources().add("c"));
    }

    @Test
    void identityAndDaemonRoundTripAfterTheOtherFields() {
        QueryRequest request = new QueryRequest(true, true, 41, -1, List.of(), true, "3f0c-\"id\"");

        assertEquals("{\"follow\":true,\"after\":41,\"identity\":true,\"daemon\":\"3f0c-\\\"id\\\"\"}",
                request.toJson());
        assertEquals(request, QueryRequest.parse(request.toJson()));
    }

    @Test
    void daemonWithoutAfterIsRefusedSayingTheyGoTogether() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QueryRequest.parse("{\"daemon\":\"x\"}"));

        assertTrue(e.getMessage().contains("give both"), e.getMessage());
    }

    @Test
    void daemonMustBeANonEmptyStringOfAtMost128Characters() {
        assertThrows(IllegalArgumentException.class, () -> QueryRequest.parse("{\"after\":1,\"daemon\":7}"));
        assertThrows(IllegalArgumentException.class, () -> QueryRequest.parse("{\"after\":1,\"daemon\":\"\"}"));
        assertThrows(IllegalArgumentException.class,
                () -> QueryRequest.parse("{\"after\":1,\"daemon\":\"" + "x".repeat(129) + "\"}"));
    }

    @Test
    void levelRoundTripsAfterEveryOtherField() {
        QueryRequest request = new QueryRequest(true, true, 41, 5, List.of("kmsg"), true, "id", 3);

        assertEquals("{\"follow\":true,\"after\":41,\"tail\":5,\"sources\":[\"kmsg\"],\"identity\":true,"
                + "\"daemon\":\"id\",\"level\":3}", request.toJson());
        assertEquals(request, QueryRequest.parse(request.toJson()));
    }

    @Test
    void levelIsAbsentUnlessGiven() {
        assertEquals(-1, QueryRequest.parse("{}").level());
        assertEquals(0, QueryRequest.parse("{\"level\":0}").level());
        assertEquals(7, QueryRequest.parse("{\"level\":7}").level());
    }

    @Test
    void levelOutsideZeroToSevenIsRejectedSayingTheRange() {
        String why = rejection("{\"level\":8}");

        assertTrue(why.contains("\"level\" must be an integer from 0 to 7, not 8"), why);
        assertTrue(rejection("{\"level\":-1}").contains("\"level\""));
        assertThrows(IllegalArgumentException.class, () -> new QueryRequest(true, false, -1, -1, List.of(), false, null, 8));
    }

    @Test
    void statsAloneAsksForStatisticsAndRoundTrips() {
        assertEquals(QueryRequest.STATS, QueryRequest.parse("{\"stats\":true}"));
        assertEquals("{\"stats\":true}", QueryRequest.STATS.toJson());
        assertEquals(QueryRequest.STATS, QueryRequest.parse(QueryRequest.STATS.toJson()));
    }

    @Test
    void statsWithAnEntryFieldIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QueryRequest.parse("{\"stats\":true,\"follow\":true}"));
        assertTrue(e.getMessage().contains("goes alone"), e.getMessage());
    }
}

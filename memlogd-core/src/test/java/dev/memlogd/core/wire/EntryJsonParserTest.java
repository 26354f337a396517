package dev.memlogd.core.wire;

import static dev.memlogd.core.wire.Records.bytes;
import static dev.memlogd.core.wire.Records.concat;
import static dev.memlogd.core.wire.Records.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memlogd.core.ring.RecordDescriptor;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EntryJsonParserTest {
    private static final String T = "2026-11-23T00:24:04.28156085Z";

    private static LogEntry parseMsg(String jsonStringBody) {
        return EntryJsonParser.parse("{\"time\":\"" + T + "\",\"source\":\"s\",\"msg\":\"" + jsonStringBody + "\"}");
    }

    /** EntryJsonEncoder's line for a hand-built record, parsed back. */
    private static LogEntry roundTrip(int flags, long seq, long time, byte[] source, byte[] msg) {
        ByteBuffer ring = Records.heap(flags, seq, time, source, msg);
        ByteBuffer out = ByteBuffer.allocate(EntryJsonEncoder.maxEncodedLength(source.length, msg.length));
        EntryJsonEncoder.encode(ring, Records.OFFSET, out);
        String line = Records.written(out);
        assertTrue(line.endsWith("\n") && line.indexOf('\n') == line.length() - 1, "one line: " + line);
        return EntryJsonParser.parse(line);
    }

    @Test
    void parsesLinuxKitLineWithoutOurFields() {
        LogEntry e = EntryJsonParser.parse("{\"time\":\"2026-11-23T01:24:04.28156085+01:00\",\"source\":\"sshd\",\"msg\":\"hi\"}");
        assertEquals(new LogEntry("2026-11-23T01:24:04.28156085+01:00", "sshd", "hi", -1, false, -1), e);
    }

    @Test
    void parsesOurLineWithSeqAndTruncated() {
        LogEntry e = EntryJsonParser.parse("{\"time\":\"" + T + "\",\"source\":\"a\",\"msg\":\"b\",\"seq\":42,\"truncated\":true}");
        assertEquals(new LogEntry(T, "a", "b", 42, true, -1), e);
    }

    @Test
    void parsesPriAndLeavesItMinusOneWhenAbsent() {
        LogEntry withPri = EntryJsonParser.parse("{\"time\":\"" + T + "\",\"source\":\"kmsg\",\"msg\":\"oops\","
                + "\"seq\":7,\"pri\":3}");
        LogEntry without = EntryJsonParser.parse("{\"time\":\"" + T + "\",\"source\":\"a\",\"msg\":\"b\",\"seq\":8}");

        assertEquals(new LogEntry(T, "kmsg", "oops", 7, false, -1, null, 3), withPri);
        assertEquals(-1, without.pri());
    }

    @Test
    void parsesNoticeWithLost() {
        LogEntry e = EntryJsonParser.parse("{\"time\":\"" + T + "\",\"source\":\"memlogd\",\"msg\":\"x\",\"lost\":17}");
        assertEquals(17, e.lost());
        assertEquals(-1, e.seq());
    }

    @Test
    void unknownFieldsOfAnyTypeAreIgnored() {
        LogEntry e = EntryJsonParser.parse("{\"level\":\"info\",\"time\":\"" + T + "\",\"n\":-1.5e+3,\"b\":false,\"z\":null,"
                + "\"o\":{\"a\":[1,{\"b\":[]},\"]}\"],\"c\":{}},\"source\":\"s\",\"arr\":[[],[[true]]],\"msg\":\"m\"}");
        assertEquals(new LogEntry(T, "s", "m", -1, false, -1), e);
    }

    @Test
    void whitespaceAroundTokensAndTrailingNewlineAreAccepted() {
        LogEntry e = EntryJsonParser.parse(" { \"time\" : \"" + T + "\" ,\t\"source\":\"s\",\r\n\"msg\":\"m\" , \"seq\" : 3 }\n");
        assertEquals(new LogEntry(T, "s", "m", 3, false, -1), e);
    }

    @Test
    void repeatedFieldKeepsLastValue() {
        LogEntry e = EntryJsonParser.parse("{\"time\":\"" + T + "\",\"source\":\"s\",\"msg\":\"first\",\"msg\":\"second\"}");
        assertEquals("second", e.msg());
    }

    @Test
    void nullLeavesFieldUnset() {
        LogEntry e = EntryJsonParser.parse("{\"time\":\"" + T + "\",\"source\":\"s\",\"msg\":\"m\",\"seq\":null,\"truncated\":null}");
        assertEquals(-1, e.seq());
        assertFalse(e.truncated());
    }

    @Test
    void allSimpleEscapesAreDecoded() {
        assertEquals("\" \\ / \b \f \n \r \t", parseMsg("\\\" \\\\ \\/ \\b \\f \\n \\r \\t").msg());
    }

    @Test
    void unicodeEscapesAreDecodedInEitherCase() {
        assertEquals("<é>\u2028\u00ff", parseMsg("\\u003c\\u00E9\\u003e\\u2028\\u00Ff").msg());
    }

    @Test
    void surrogatePairEscapeIsOneCodePoint() {
        assertEquals("😀", parseMsg("\\ud83d\\ude00").msg());
    }

    @Test
    void loneHighSurrogateBecomesReplacementCharacter() {
        assertEquals("a\ufffdb", parseMsg("a\\ud83db").msg());
    }

    @Test
    void loneLowSurrogateBecomesReplacementCharacter() {
        assertEquals("\ufffd", parseMsg("\\ude00").msg());
    }

    @Test
    void highSurrogateBeforeNonSurrogateEscapeKeepsThatEscape() {
        assertEquals("\ufffdA", parseMsg("\\ud83d\\u0041").msg());
    }

    @Test
    void twoHighSurrogatesBeforeLowGiveReplacementThenPair() {
        assertEquals("\ufffd😀", parseMsg("\\ud83d\\ud83d\\ude00").msg());
    }

    @Test
    void rawNonAsciiIsKept() {
        assertEquals("日本 😀 \u007f", parseMsg("日本 😀 \u007f").msg());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "[]", "\"str\"", "null", "{", "{\"time\"}", "{\"time\":}", "{'time':'x'}",
        "{\"source\":\"s\",}", "{\"time\":\"" + T + "\",\"source\":\"s\",\"msg\":\"m\"} x",
        "{\"time\":\"" + T + "\",\"source\":\"s\",\"msg\":\"m\"}{}", "{\"msg\":\"unterminated}",
        "{\"msg\":\"raw\ttab\"}", "{\"msg\":\"bad \\x escape\"}", "{\"msg\":\"\\u12\"}", "{\"msg\":\"\\u12G4\"}",
        "{\"n\":01}", "{\"n\":1.}", "{\"n\":-}", "{\"n\":.5}", "{\"n\":1e}", "{\"b\":tru}", "{\"b\":True}",
        "{\"a\":[1,]}", "{\"a\":[1 2]}", "{\"o\":{\"a\" 1}}", "{\"n\":nul}", "{\"x\":+1}"})
    void malformedJsonIsRejected(String line) {
        assertThrows(IllegalArgumentException.class, () -> EntryJsonParser.parse(line));
    }

    @Test
    void nullLineIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> EntryJsonParser.parse(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"time", "source", "msg"})
    void missingRequiredFieldIsRejectedByName(String field) {
        String line = ("{\"time\":\"" + T + "\",\"source\":\"s\",\"msg\":\"m\"}").replace("\"" + field + "\"", "\"other\"");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EntryJsonParser.parse(line));
        assertTrue(e.getMessage().contains("\"" + field + "\""), e.getMessage());
    }

    @Test
    void nullRequiredFieldCountsAsMissing() {
        assertThrows(IllegalArgumentException.class,
                () -> EntryJsonParser.parse("{\"time\":\"" + T + "\",\"source\":null,\"msg\":\"m\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"seq\":\"1\"", "\"seq\":1.5", "\"seq\":1e3", "\"seq\":99999999999999999999",
        "\"truncated\":1", "\"lost\":true", "\"time\":5", "\"source\":[]", "\"msg\":{}", "\"pri\":\"3\"",
        "\"pri\":-1", "\"pri\":192", "\"pri\":1.5"})
    void knownFieldOfWrongTypeIsRejected(String field) {
        String line = "{\"time\":\"" + T + "\",\"source\":\"s\",\"msg\":\"m\"," + field + "}";
        assertThrows(IllegalArgumentException.class, () -> EntryJsonParser.parse(line));
    }

    @Test
    void timeThatIsNotRfc3339IsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EntryJsonParser.parse("{\"time\":\"yesterday\",\"source\":\"s\",\"msg\":\"m\"}"));
        assertTrue(e.getMessage().contains("yesterday"), e.getMessage());
    }

    @Test
    void errorNamesPositionAndShowsLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EntryJsonParser.parse("{\"time\":\"" + T + "\" \"source\":\"s\"}"));
        assertTrue(e.getMessage().contains("position 40"), e.getMessage());
        assertTrue(e.getMessage().contains("\"source\":\"s\""), e.getMessage());
    }

    @Test
    void errorExcerptOfLongLineIsAboutHundredCharactersAroundPosition() {
        String line = "{\"msg\":\"" + "a".repeat(5000) + "\",\"bad\":x" + "b".repeat(5000) + "}";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EntryJsonParser.parse(line));
        assertTrue(e.getMessage().length() < 200, e.getMessage());
        assertTrue(e.getMessage().contains("\"bad\":x"), e.getMessage());
    }

    @Test
    void deeplyNestedUnknownValueIsRejectedWithoutStackOverflow() {
        String line = "{\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertThrows(IllegalArgumentException.class, () -> EntryJsonParser.parse(line));
    }

    @Test
    void roundTripKeepsPlainFields() {
        LogEntry e = roundTrip(0, 42, 1_700_000_000_123_456_789L, utf8("sshd.out"), utf8("hello world"));
        assertEquals(new LogEntry("2023-11-14T22:13:20.123456789Z", "sshd.out", "hello world", 42, false, -1), e);
        assertEquals(1_700_000_000_123_456_789L, GoTime.parseEpochNanos(e.time()));
    }

    @Test
    void roundTripKeepsTruncatedFlag() {
        assertTrue(roundTrip(RecordDescriptor.FLAG_TRUNCATED, 1, 0, utf8("s"), utf8("m")).truncated());
    }

    @Test
    void roundTripKeepsSuppressedFlagAndOnlyItsEntriesHaveIt() {
        LogEntry count = roundTrip(RecordDescriptor.FLAG_SUPPRESSED, 1, 0, utf8("web"), utf8("memlogd: suppressed 3 lines"));
        LogEntry line = roundTrip(0, 2, 0, utf8("web"), utf8("memlogd: suppressed 3 lines"));

        assertTrue(count.suppressed());
        assertFalse(count.truncated());
        assertFalse(line.suppressed());
    }

    @Test
    void roundTripKeepsEveryPriority() {
        for (int pri = 0; pri <= RecordDescriptor.MAX_PRI; pri++) {
            int flags = RecordDescriptor.priFlags(pri) | (pri % 2 == 0 ? RecordDescriptor.FLAG_TRUNCATED : 0);

            LogEntry e = roundTrip(flags, pri + 1, 0, utf8("kmsg"), utf8("m"));

            assertEquals(pri, e.pri());
            assertEquals(pri % 2 == 0, e.truncated());
            assertEquals(pri + 1, e.seq());
        }
    }

    @Test
    void roundTripWithoutPriorityGivesMinusOne() {
        assertEquals(-1, roundTrip(0, 1, 0, utf8("s"), utf8("<3>not a priority here")).pri());
    }

    @Test
    void roundTripKeepsSpecialCharacters() {
        String msg = "quote\" backslash\\ <html>&amp; \u2028\u2029 tab\t nl\n cr\r bell\u0007 nul\u0000 del\u007f"
                + " é € 😀 \ufffd /slash";
        LogEntry e = roundTrip(0, 1, 0, utf8("src \"<&>\" \\"), utf8(msg));
        assertEquals(msg, e.msg());
        assertEquals("src \"<&>\" \\", e.source());
    }

    @Test
    void roundTripTurnsEachInvalidByteIntoReplacementCharacter() {
        byte[] msg = concat(utf8("bad"), bytes(0xff, 0xfe), utf8("end "), bytes(0xe2, 0x82), utf8("x "),
                bytes(0xed, 0xa0, 0x80, 0xc0, 0xaf, 0xf4, 0x90, 0x80, 0x80));
        assertEquals("bad\ufffd\ufffdend \ufffd\ufffdx " + "\ufffd".repeat(9), roundTrip(0, 1, 0, utf8("s"), msg).msg());
    }

    @Test
    void randomRecordsRoundTripAsGoWouldDecodeThem() {
        Random random = new Random(7);
        for (int i = 0; i < 5_000; i++) {
            StringBuilder expectedSource = new StringBuilder();
            StringBuilder expectedMsg = new StringBuilder();
            byte[] source = randomText(random, 20, expectedSource);
            byte[] msg = randomText(random, 200, expectedMsg);
            long seq = random.nextLong() & Long.MAX_VALUE;
            long time = random.nextLong();
            boolean truncated = random.nextBoolean();
            LogEntry e = roundTrip(truncated ? RecordDescriptor.FLAG_TRUNCATED : 0, seq, time, source, msg);
            assertEquals(new LogEntry(GoTime.formatRfc3339Nano(time), expectedSource.toString(), expectedMsg.toString(),
                    seq, truncated, -1), e);
        }
    }

    /**
     * Random bytes built from pieces whose Go decoding is known without {@link Utf8}: whole
     * characters, and invalid bytes that can neither start a sequence nor complete one.
     */
    static byte[] randomText(Random random, int maxPieces, StringBuilder expected) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pieces = random.nextInt(maxPieces + 1);
        for (int p = 0; p < pieces; p++) {
            int kind = random.nextInt(10);
            String s;
            if (kind < 3) {
                s = String.valueOf((char) random.nextInt(0x80)); // ASCII incl. controls, DEL, " \ < > &
            } else if (kind < 5) {
                s = new String(Character.toChars(pickCodePoint(random)));
            } else if (kind < 6) {
                s = random.nextBoolean() ? "\u2028" : "\u2029";
            } else if (kind < 8) {
                int[] alone = {0x80, 0x9f, 0xbf, 0xc0, 0xc1, 0xf5, 0xf8, 0xfe, 0xff};
                out.write(alone[random.nextInt(alone.length)]);
                expected.append('\ufffd');
                continue;
            } else if (kind < 9) {
                // A sequence missing its last byte, then ASCII: one U+FFFD per byte.
                out.writeBytes(bytes(0xf0, 0x9f, 0x98));
                expected.append("\ufffd\ufffd\ufffd");
                s = "z";
            } else {
                s = "\ufffd"; // the real character, valid
            }
            out.writeBytes(utf8(s));
            expected.append(s);
        }
        return out.toByteArray();
    }

    private static int pickCodePoint(Random random) {
        while (true) {
            int cp = switch (random.nextInt(3)) {
                case 0 -> 0x80 + random.nextInt(0x780);
                case 1 -> 0x800 + random.nextInt(0xf800);
                default -> 0x10000 + random.nextInt(0x100000);
            };
            if (!Character.isSurrogate((char) cp) || cp > 0xffff) {
                return cp;
            }
        }
    }

    @Test
    void unicodeEscapeWithNonAsciiDigitsIsRejected() {
        String line = "{\"time\":\"2026-11-23T00:24:04Z\",\"source\":\"s\",\"msg\":\"\\u００４１\"}";

        assertThrows(IllegalArgumentException.class, () -> EntryJsonParser.parse(line));
    }
}

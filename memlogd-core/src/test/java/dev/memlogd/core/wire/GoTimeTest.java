package dev.memlogd.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GoTimeTest {
    private static long nanos(String isoInstant) {
        Instant i = Instant.parse(isoInstant);
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /** Go's RFC3339Nano in UTC, built independently with java.time. */
    private static String reference(long epochNanos) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L),
                (int) Math.floorMod(epochNanos, 1_000_000_000L), ZoneOffset.UTC);
        String s = String.format("%04d-%02d-%02dT%02d:%02d:%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
                t.getHour(), t.getMinute(), t.getSecond());
        if (t.getNano() != 0) {
            s += ("." + String.format("%09d", t.getNano())).replaceAll("0+$", "");
        }
        return s + "Z";
    }

    @Test
    void formatsProtocolExample() {
        assertEquals("2026-11-23T00:24:04.28156085Z",
                GoTime.formatRfc3339Nano(nanos("2026-11-23T00:24:04.281560850Z")));
    }

    @Test
    void zeroFractionIsOmitted() {
        assertEquals("2026-11-23T00:24:04Z", GoTime.formatRfc3339Nano(nanos("2026-11-23T00:24:04Z")));
    }

    @Test
    void fractionTrailingZerosAreTrimmed() {
        assertEquals("2026-01-02T03:04:05.001Z", GoTime.formatRfc3339Nano(nanos("2026-01-02T03:04:05.001Z")));
        assertEquals("2026-01-02T03:04:05.000000001Z",
                GoTime.formatRfc3339Nano(nanos("2026-01-02T03:04:05.000000001Z")));
        assertEquals("2026-01-02T03:04:05.5Z", GoTime.formatRfc3339Nano(nanos("2026-01-02T03:04:05.500Z")));
    }

    @Test
    void epochIsMidnightJanuaryFirst1970() {
        assertEquals("1970-01-01T00:00:00Z", GoTime.formatRfc3339Nano(0));
    }

    @Test
    void oneNanosecondBeforeEpochIsEndOf1969() {
        assertEquals("1969-12-31T23:59:59.999999999Z", GoTime.formatRfc3339Nano(-1));
    }

    @Test
    void leapDaysAreHandled() {
        assertEquals("2024-02-29T12:00:00Z", GoTime.formatRfc3339Nano(nanos("2024-02-29T12:00:00Z")));
        assertEquals("2000-02-29T00:00:00Z", GoTime.formatRfc3339Nano(nanos("2000-02-29T00:00:00Z")));
        assertEquals("2100-03-01T00:00:00Z", GoTime.formatRfc3339Nano(nanos("2100-02-28T00:00:00Z") + 86_400_000_000_000L));
    }

    @Test
    void extremeLongValuesMatchJavaTime() {
        assertEquals(reference(Long.MIN_VALUE), GoTime.formatRfc3339Nano(Long.MIN_VALUE));
        assertEquals(reference(Long.MAX_VALUE), GoTime.formatRfc3339Nano(Long.MAX_VALUE));
        assertEquals("1677-09-21T00:12:43.145224192Z", GoTime.formatRfc3339Nano(Long.MIN_VALUE));
        assertEquals("2262-04-11T23:47:16.854775807Z", GoTime.formatRfc3339Nano(Long.MAX_VALUE));
    }

    @Test
    void randomInstantsFrom1970To2200MatchJavaTime() {
        Random random = new Random(1);
        long end = nanos("2200-01-01T00:00:00Z");
        for (int i = 0; i < 200_000; i++) {
            long t = Math.floorMod(random.nextLong(), end);
            if (i % 3 == 0) {
                t -= t % 1_000_000; // millisecond-only fractions exercise the trimming
            } else if (i % 3 == 1) {
                t -= t % 1_000_000_000L; // whole seconds: no fraction
            }
            assertEquals(reference(t), GoTime.formatRfc3339Nano(t), "nanos " + t);
        }
    }

    @Test
    void randomInstantsBefore1970MatchJavaTime() {
        Random random = new Random(2);
        for (int i = 0; i < 100_000; i++) {
            long t = -Math.floorMod(random.nextLong(), Long.MAX_VALUE);
            assertEquals(reference(t), GoTime.formatRfc3339Nano(t), "nanos " + t);
        }
    }

    @Test
    void arrayFormWritesAtOffsetAndReturnsEnd() {
        byte[] dst = new byte[40];
        int end = GoTime.formatRfc3339Nano(nanos("2026-11-23T00:24:04.281560850Z"), dst, 5);
        assertEquals(5 + 29, end);
        assertEquals("2026-11-23T00:24:04.28156085Z", new String(dst, 5, 29, StandardCharsets.US_ASCII));
        assertEquals(0, dst[4]);
        assertEquals(0, dst[end]);
    }

    @Test
    void longestTimeFillsMaxFormattedLength() {
        byte[] dst = new byte[GoTime.MAX_FORMATTED_LENGTH];
        assertEquals(GoTime.MAX_FORMATTED_LENGTH, GoTime.formatRfc3339Nano(nanos("2026-11-23T00:24:04.123456789Z"), dst, 0));
    }

    @Test
    void bufferFormPutsAtPositionInHeapAndDirectBuffers() {
        long t = nanos("2026-11-23T00:24:04.281560850Z");
        for (ByteBuffer out : new ByteBuffer[] {ByteBuffer.allocate(64), ByteBuffer.allocateDirect(64)}) {
            out.put((byte) '[');
            GoTime.formatRfc3339Nano(t, out);
            out.put((byte) ']');
            assertEquals("[2026-11-23T00:24:04.28156085Z]", Records.written(out));
        }
    }

    @Test
    void bufferFormOnSlicedHeapBufferHonoursArrayOffset() {
        ByteBuffer out = ByteBuffer.allocate(64).position(10).slice();
        GoTime.formatRfc3339Nano(0, out);
        assertEquals("1970-01-01T00:00:00Z", Records.written(out));
    }

    @Test
    void parsesZuluTimeWithFraction() {
        assertEquals(nanos("2026-11-23T00:24:04.281560850Z"), GoTime.parseEpochNanos("2026-11-23T00:24:04.28156085Z"));
    }

    @Test
    void parsesTimeWithoutFraction() {
        assertEquals(nanos("2026-11-23T00:24:04Z"), GoTime.parseEpochNanos("2026-11-23T00:24:04Z"));
    }

    @Test
    void parsesOffsetsToTheSameInstant() {
        assertEquals(nanos("2026-11-22T23:24:04.5Z"), GoTime.parseEpochNanos("2026-11-23T00:24:04.5+01:00"));
        assertEquals(nanos("2026-11-23T05:54:04Z"), GoTime.parseEpochNanos("2026-11-23T00:24:04-05:30"));
    }

    @Test
    void parsesEveryFractionLength() {
        String digits = "123456789";
        for (int n = 1; n <= 9; n++) {
            String frac = digits.substring(0, n);
            long expected = nanos("2026-01-01T00:00:00Z") + Long.parseLong((frac + "000000000").substring(0, 9));
            assertEquals(expected, GoTime.parseEpochNanos("2026-01-01T00:00:00." + frac + "Z"), frac);
        }
    }

    @Test
    void parseInvertsFormatForRandomInstants() {
        Random random = new Random(3);
        for (int i = 0; i < 50_000; i++) {
            long t = random.nextLong();
            assertEquals(t, GoTime.parseEpochNanos(GoTime.formatRfc3339Nano(t)));
        }
    }

    @Test
    void parseAgreesWithJavaTimeForRandomOffsets() {
        Random random = new Random(4);
        for (int i = 0; i < 20_000; i++) {
            long seconds = Math.floorMod(random.nextLong(), 7_000_000_000L);
            int offsetMinutes = random.nextInt(2 * 18 * 60 + 1) - 18 * 60; // java.time allows ±18:00
            OffsetDateTime odt = OffsetDateTime.ofInstant(Instant.ofEpochSecond(seconds, random.nextInt(1_000_000_000)),
                    ZoneOffset.ofTotalSeconds(offsetMinutes * 60));
            String text = String.format("%04d-%02d-%02dT%02d:%02d:%02d.%09d%s", odt.getYear(), odt.getMonthValue(),
                    odt.getDayOfMonth(), odt.getHour(), odt.getMinute(), odt.getSecond(), odt.getNano(),
                    offsetMinutes == 0 ? "Z" : odt.getOffset().getId());
            Instant expected = odt.toInstant();
            assertEquals(expected.getEpochSecond() * 1_000_000_000L + expected.getNano(), GoTime.parseEpochNanos(text), text);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "2026-11-23", "2026-11-23T00:24:04", "2026-11-23 00:24:04Z", "2026-11-23t00:24:04Z",
        "2026-11-23T00:24:04z", "2026-11-23T00:24:04.Z", "2026-11-23T00:24:04.1234567890Z", "2026-13-01T00:00:00Z",
        "2026-00-01T00:00:00Z", "2026-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-11-23T24:00:00Z",
        "2026-11-23T00:60:00Z", "2026-11-23T00:00:60Z", "2026-11-23T00:24:04+24:00", "2026-11-23T00:24:04+01:60",
        "2026-11-23T00:24:04+0100", "2026-11-23T00:24:04+01:00 ", "2026-11-23T00:24:04ZZ", "20x6-11-23T00:24:04Z",
        "2026-11-23T00:24:04,5Z", "+2026-11-23T00:24:04Z"})
    void parseRejectsMalformedTimeNamingIt(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GoTime.parseEpochNanos(text));
        assertTrue(e.getMessage().contains("\"" + text + "\""), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GoTime.normalize(text));
    }

    @Test
    void parseRejectsTimesOutsideLongNanoseconds() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GoTime.parseEpochNanos("2300-01-01T00:00:00Z"));
        assertTrue(e.getMessage().contains("2300-01-01T00:00:00Z"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GoTime.parseEpochNanos("1600-01-01T00:00:00Z"));
    }

    @Test
    void normalizeTrimsFractionAndKeepsOffset() {
        assertEquals("2026-11-23T00:24:04.28156085+01:00", GoTime.normalize("2026-11-23T00:24:04.281560850+01:00"));
    }

    @Test
    void normalizeDropsAllZeroFraction() {
        assertEquals("2026-11-23T00:24:04-05:30", GoTime.normalize("2026-11-23T00:24:04.000-05:30"));
    }

    @Test
    void normalizeWritesZeroOffsetsAsZ() {
        assertEquals("2026-11-23T00:24:04.1Z", GoTime.normalize("2026-11-23T00:24:04.1+00:00"));
        assertEquals("2026-11-23T00:24:04.1Z", GoTime.normalize("2026-11-23T00:24:04.1-00:00"));
    }

    @Test
    void normalizeLeavesCanonicalTimesUnchanged() {
        assertEquals("2026-11-23T00:24:04.28156085Z", GoTime.normalize("2026-11-23T00:24:04.28156085Z"));
        assertEquals("0001-01-01T00:00:00Z", GoTime.normalize("0001-01-01T00:00:00Z"));
        assertEquals("9999-12-31T23:59:59.999999999+23:59", GoTime.normalize("9999-12-31T23:59:59.999999999+23:59"));
    }

    @Test
    void normalizeOfFormattedTimeIsIdentity() {
        Random random = new Random(5);
        for (int i = 0; i < 10_000; i++) {
            String s = GoTime.formatRfc3339Nano(random.nextLong());
            assertEquals(s, GoTime.normalize(s));
        }
    }
}

package dev.memlogd.core.wire;

import static dev.memlogd.core.wire.Records.bytes;
import static dev.memlogd.core.wire.Records.concat;
import static dev.memlogd.core.wire.Records.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LogreadFormatTest {
    private static final long TIME = 1_795_393_444_281_560_850L; // 2026-11-23T00:24:04.28156085Z

    private static byte[] encode(ByteBuffer ring) {
        int sl = ring.getInt(dev.memlogd.core.ring.RecordDescriptor.sourceLengthOffset(Records.OFFSET));
        int ml = ring.getInt(dev.memlogd.core.ring.RecordDescriptor.msgLengthOffset(Records.OFFSET));
        ByteBuffer out = ByteBuffer.allocate(LogreadFormat.maxEncodedLength(sl, ml));
        LogreadFormat.encode(ring, Records.OFFSET, out);
        return Records.writtenBytes(out);
    }

    @Test
    void formatJoinsTimeSourceAndMessageWithSemicolons() {
        assertEquals("2026-11-23T00:24:04.28156085Z;sshd;hello",
                LogreadFormat.format(new LogEntry("2026-11-23T00:24:04.28156085Z", "sshd", "hello", -1, false, -1)));
    }

    @Test
    void formatEscapesSemicolonsInSourceOnly() {
        assertEquals("2026-11-23T00:24:04Z;svc\\;x.out;; leading; semicolons",
                LogreadFormat.format(new LogEntry("2026-11-23T00:24:04Z", "svc;x.out", "; leading; semicolons", 1, false, -1)));
    }

    @Test
    void formatNormalizesTimeKeepingItsOffset() {
        assertEquals("2026-11-23T00:24:04.28156085+01:00;s;m",
                LogreadFormat.format(new LogEntry("2026-11-23T00:24:04.281560850+01:00", "s", "m", -1, false, -1)));
    }

    @Test
    void formatWritesZeroOffsetAsZ() {
        assertEquals("2026-11-23T00:24:04Z;s;m",
                LogreadFormat.format(new LogEntry("2026-11-23T00:24:04.000+00:00", "s", "m", -1, false, -1)));
    }

    @Test
    void formatKeepsBackslashesAndControlCharactersRaw() {
        assertEquals("1970-01-01T00:00:00Z;a\\b;tab\there\r",
                LogreadFormat.format(new LogEntry("1970-01-01T00:00:00Z", "a\\b", "tab\there\r", -1, false, -1)));
    }

    @Test
    void formatRejectsBadTime() {
        assertThrows(IllegalArgumentException.class,
                () -> LogreadFormat.format(new LogEntry("now", "s", "m", -1, false, -1)));
    }

    @Test
    void encodeWritesLogreadLineWithNewline() {
        assertEquals("2026-11-23T00:24:04.28156085Z;svc\\;x.out;a;b <&> \"q\"\n",
                new String(encode(Records.heap(1, TIME, "svc;x.out", "a;b <&> \"q\"")), StandardCharsets.UTF_8));
    }

    @Test
    void encodeCopiesValidUtf8AndControlBytesRaw() {
        byte[] msg = concat(utf8("é € 😀 \u2028 \ufffd"), bytes(0x01, 0x7f, '\t', '\r'));
        byte[] line = encode(Records.heap(0, 1, 0, utf8("s"), msg));
        assertArrayEquals(concat(utf8("1970-01-01T00:00:00Z;s;"), msg, bytes('\n')), line);
    }

    @Test
    void encodeReplacesEachInvalidByteWithReplacementCharacterBytes() {
        byte[] line = encode(Records.heap(0, 1, 0, bytes('s', 0xff), bytes('a', 0xe2, 0x82, 'b', 0xc0)));
        byte[] fffd = bytes(0xef, 0xbf, 0xbd);
        assertArrayEquals(concat(utf8("1970-01-01T00:00:00Z;s"), fffd, utf8(";a"), fffd, fffd, utf8("b"), fffd,
                bytes('\n')), line);
    }

    @Test
    void encodeWorksOnDirectRing() {
        byte[] source = utf8("a;b");
        byte[] msg = concat(utf8("x;y"), bytes(0xff));
        assertArrayEquals(encode(Records.heap(0, 5, TIME, source, msg)), encode(Records.direct(0, 5, TIME, source, msg)));
    }

    @Test
    void worstCaseLineFitsMaxEncodedLengthExactly() {
        byte[] source = new byte[9];
        byte[] msg = new byte[50];
        Arrays.fill(source, (byte) 0xff);
        Arrays.fill(msg, (byte) 0x80);
        ByteBuffer ring = Records.heap(0, 1, TIME + 9, source, msg);
        ByteBuffer out = ByteBuffer.allocate(LogreadFormat.maxEncodedLength(source.length, msg.length));
        LogreadFormat.encode(ring, Records.OFFSET, out);
        assertEquals(0, out.remaining());
    }

    @Test
    void encodeEqualsFormatOfTheDaemonsJsonForRandomRecords() {
        // What Go's logread prints is format(parse(json)): encode must give the same bytes.
        Random random = new Random(11);
        for (int i = 0; i < 3_000; i++) {
            byte[] source = EntryJsonParserTest.randomText(random, 10, new StringBuilder());
            byte[] msg = EntryJsonParserTest.randomText(random, 100, new StringBuilder());
            if (random.nextInt(4) == 0) {
                source = concat(source, utf8(";"), source);
            }
            ByteBuffer ring = Records.heap(0, i, random.nextLong(), source, msg);
            ByteBuffer json = ByteBuffer.allocate(EntryJsonEncoder.maxEncodedLength(source.length, msg.length));
            EntryJsonEncoder.encode(ring, Records.OFFSET, json);
            String viaJson = LogreadFormat.format(EntryJsonParser.parse(Records.written(json))) + "\n";
            assertArrayEquals(viaJson.getBytes(StandardCharsets.UTF_8), encode(ring), viaJson);
        }
    }

    @Test
    void encodeWithTimeCacheGivesTheSameBytesAsWithout() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        TimeText cache = new TimeText();
        long time = TIME;
        for (int round = 0; round < 1_000; round++) {
            int step = random.nextInt(4);
            time = step == 0 ? random.nextLong() : step == 1 ? time + random.nextInt(1_000) : time;
            byte[] source = new byte[random.nextInt(10)];
            byte[] msg = new byte[random.nextInt(60)];
            random.nextBytes(source);
            random.nextBytes(msg);
            ByteBuffer ring = random.nextBoolean() ? Records.heap(0, round, time, source, msg)
                    : Records.direct(0, round, time, source, msg);
            ByteBuffer plain = ByteBuffer.allocate(LogreadFormat.maxEncodedLength(source.length, msg.length));
            ByteBuffer cached = ByteBuffer.allocateDirect(LogreadFormat.maxEncodedLength(source.length, msg.length));
            LogreadFormat.encode(ring, Records.OFFSET, plain);
            LogreadFormat.encode(ring, Records.OFFSET, cached, cache);
            assertArrayEquals(Records.writtenBytes(plain), Records.writtenBytes(cached), "seed " + seed + ", round " + round);
        }
    }
}

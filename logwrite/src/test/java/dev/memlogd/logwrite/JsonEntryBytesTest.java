package dev.memlogd.logwrite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.memlogd.core.ring.LogRing;
import dev.memlogd.core.ring.RecordDescriptor;
import dev.memlogd.core.wire.EntryJsonEncoder;
import dev.memlogd.core.wire.EntryJsonParser;
import dev.memlogd.core.wire.LogwriteFormat;

/**
 * The fast path must give, for every line it takes, the very bytes the general parser and
 * formatter give; and it must take the lines memlogd writes for ordinary entries.
 */
class JsonEntryBytesTest {
    private final JsonEntryBytes fast = new JsonEntryBytes();

    /** What the general path writes for this line. */
    private static byte[] general(String line) {
        return LogwriteFormat.line(EntryJsonParser.parse(line)).getBytes(StandardCharsets.UTF_8);
    }

    private byte[] fastLine(byte[] line) {
        ByteBuffer out = ByteBuffer.allocate(fast.timeLength + fast.sourceLength + fast.msgLength + 3);
        out.put(fast.time, 0, fast.timeLength).put((byte) ' ').put(fast.source, 0, fast.sourceLength)
                .put((byte) ' ').put(fast.msg, 0, fast.msgLength).put((byte) '\n');
        return out.array();
    }

    private void assertSameAsGeneral(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        if (fast.parse(bytes, 0, bytes.length)) {
            assertArrayEquals(general(line), fastLine(bytes), line);
        }
    }

    @Test
    void everyLineOfTheLinuxKitCorpusThatTheFastPathTakesComesOutAsTheGeneralPathWritesIt() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("src/test/resources/linuxkit-corpus/input.jsonl"),
                StandardCharsets.UTF_8);
        int taken = 0;
        for (String line : lines) {
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            if (fast.parse(bytes, 0, bytes.length)) {
                taken++;
                assertArrayEquals(general(line), fastLine(bytes), line);
            }
        }

        assertTrue(taken > lines.size() * 9 / 10, "the fast path took only " + taken + " of " + lines.size());
    }

    @Test
    void linesTheDaemonEncodesFromRandomRecordsAreTakenAndComeOutAsTheGeneralPathWritesThem() {
        Random random = new Random(15);
        LogRing ring = new LogRing(10, 1 << 20);
        ByteBuffer out = ByteBuffer.allocate(1 << 16);
        for (int i = 0; i < 20_000; i++) {
            byte[] source = randomBytes(random, 1 + random.nextInt(12));
            byte[] msg = randomBytes(random, random.nextInt(60));
            long time = 1_700_000_000_000_000_000L + random.nextLong(4_000_000_000_000_000_000L);
            int flags = (random.nextInt(4) == 0 ? RecordDescriptor.FLAG_TRUNCATED : 0)
                    | (random.nextInt(3) == 0 ? RecordDescriptor.priFlags(random.nextInt(RecordDescriptor.MAX_PRI + 1)) : 0);
            ring.append(time, source, source.length, ByteBuffer.wrap(msg), 0, msg.length, flags);
            out.clear();
            EntryJsonEncoder.encode(ring.buffer(), ring.recordOffset(ring.nextSeq() - 1), out);
            byte[] line = Arrays.copyOf(out.array(), out.position() - 1); // without the newline
            String text = new String(line, StandardCharsets.UTF_8);

            assertTrue(fast.parse(line, 0, line.length), text);
            assertArrayEquals(general(text), fastLine(line), text);
            assertEquals(ring.nextSeq() - 1, fast.seq);
        }
    }

    /** Bytes of every kind: ASCII, controls, quotes, backslashes, UTF-8 of each length, invalid bytes. */
    private static byte[] randomBytes(Random random, int n) {
        byte[][] pieces = {{'a'}, {'Z'}, {' '}, {'"'}, {'\\'}, {'/'}, {'\n'}, {'\t'}, {0}, {0x1f}, {0x7f}, {'<'},
            {(byte) 0xc3, (byte) 0xa9}, {(byte) 0xe6, (byte) 0x97, (byte) 0xa5}, {(byte) 0xe2, (byte) 0x80, (byte) 0xa8},
            {(byte) 0xf0, (byte) 0x9f, (byte) 0x98, (byte) 0x80}, {(byte) 0xff}, {(byte) 0xc3}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}};
        ByteBuffer b = ByteBuffer.allocate(n * 4);
        for (int i = 0; i < n; i++) {
            b.put(pieces[random.nextInt(pieces.length)]);
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    @Test
    void escapesAndTimesAtTheirEdgesComeOutAsTheGeneralPathWritesThem() {
        for (String line : List.of(
                "{\"time\":\"2026-02-28T23:59:59.999999999Z\",\"source\":\"s\",\"msg\":\"\\ud83d\\ude00 \\ud800 x \\udc00\",\"seq\":1}",
                "{\"time\":\"2024-02-29T00:00:00+00:00\",\"source\":\"s\",\"msg\":\"\\u00e9\\u2028\\u0000\",\"seq\":2}",
                "{\"time\":\"2026-11-30T03:00:00.5-07:00\",\"source\":\"a\\/b\",\"msg\":\"\\\"q\\\" \\\\ \\b\\f\\n\\r\\t\",\"seq\":3,\"truncated\":true}",
                "{\"time\":\"2026-11-30T03:00:00.5+05:45\",\"source\":\"s\",\"msg\":\"\\uD800\\uD800\",\"seq\":4}",
                "{\"time\":\"2026-11-30T03:00:00-00:00\",\"source\":\"s\",\"msg\":\"m\"}")) {
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            assertTrue(fast.parse(bytes, 0, bytes.length), line);
            assertSameAsGeneral(line);
        }
    }

    @Test
    void whatItDoesNotTakeIsLeftToTheGeneralParser() {
        for (String line : List.of(
                "{\"time\":\"2026-11-30T03:00:00Z\",\"source\":\"memlogd\",\"msg\":\"m\",\"lost\":3}",
                "{\"source\":\"s\",\"time\":\"2026-11-30T03:00:00Z\",\"msg\":\"m\",\"seq\":1}",
                "{\"time\":\"2026-02-30T03:00:00Z\",\"source\":\"s\",\"msg\":\"m\",\"seq\":1}",
                "{\"time\":\"2026-11-30T03:00:60Z\",\"source\":\"s\",\"msg\":\"m\",\"seq\":1}",
                "{\"time\":\"2026-11-30T03:00:00Z\",\"source\":\"s\",\"msg\":\"raw\ttab\",\"seq\":1}",
                "{\"time\":\"2026-11-30T03:00:00Z\",\"source\":\"s\",\"msg\":\"m\",\"seq\":1} ",
                "{\"time\":\"2026-11-30T03:00:00Z\",\"source\":\"s\",\"msg\":\"\\x\",\"seq\":1}",
                "{\"time\":\"2026-11-30T03:00:00Z\",\"source\":\"s\",\"msg\":\"m\",\"seq\":1,\"pri\":}",
                "{\"time\":\"2026-11-30T03:00:00Z\",\"source\":\"s\",\"msg\":\"m\",\"seq\":1,\"pri\":1000}",
                "{\"time\":\"2026-11-30T03:00:00Z\",\"source\":\"s\",\"msg\":\"m\",\"pri\":3}")) {
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            assertFalse(fast.parse(bytes, 0, bytes.length), line);
        }
        byte[] invalid = "{\"time\":\"2026-11-30T03:00:00Z\",\"source\":\"s\",\"msg\":\"?\",\"seq\":1}"
                .getBytes(StandardCharsets.UTF_8);
        invalid[invalid.length - 11] = (byte) 0xff;
        assertFalse(fast.parse(invalid, 0, invalid.length), "invalid UTF-8");
    }
}

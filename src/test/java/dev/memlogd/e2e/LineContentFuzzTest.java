package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.memlogd.core.client.FdSender;
import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.e2e.GoJsonOracle.Line;
import dev.memlogd.testkit.Await;
import dev.memlogd.testkit.Closer;
import dev.memlogd.testkit.UnsentPair;

/**
 * Random bytes through the real daemon, compared byte for byte with {@link GoJsonOracle}:
 * invalid and cut UTF-8, control characters, {@code <>&}, U+2028/2029, {@code \r} anywhere,
 * empty lines, lines far past {@code -max-line-len} (up to 100 KB), a last line without
 * newline; written in pieces of random size to a daemon that reads 7 bytes at a time, so
 * that lines, {@code \r\n} endings and UTF-8 sequences fall across reads anywhere. Source
 * names are random bytes too. Issue 11's probe did this by hand (8,000 pieces); this is the
 * bounded version CI runs on every build. The seed is random, printed in every failure, and
 * can be set with {@code -Dfuzz.seed=N}.
 */
@ExtendWith(DaemonOutputOnFailure.class)
class LineContentFuzzTest {
    private static final int MAX_LINE_LEN = 64;
    private static final int SOURCES = 6;
    private static final int LINES_PER_SOURCE = 1_300;
    private static final Pattern ENTRY = Pattern.compile(
            "^\\{\"time\":\"[0-9T:.Z-]+\",\"source\":\"(.*)\",\"msg\":\"(.*)\",\"seq\":([0-9]+)(,\"truncated\":true)?\\}$", Pattern.DOTALL); // DOTALL: U+0085 is sent raw

    @Test
    @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyEntryIsWhatGoAndLinuxKitMakeOfTheSourcesBytesWhereverReadsSplitThem() throws Exception {
        long seed = Long.getLong("fuzz.seed", new Random().nextLong());
        Random random = new Random(seed);
        String context = " (seed " + seed + ", -Dfuzz.seed=" + seed + " repeats it)";
        try (Closer closer = new Closer()) {
            DaemonProcess daemon = closer.add(DaemonProcess.start("-max-line-len", Integer.toString(MAX_LINE_LEN),
                    "-read-chunk", "7", "-max-lines", "20000"));
            Map<String, List<Line>> expected = new HashMap<>();
            for (int s = 0; s < SOURCES; s++) {
                // A distinct ASCII prefix keeps names apart once escaped (\xfe and \xff both become \ufffd).
                byte[] name = concat(("fuzz" + s + "-").getBytes(StandardCharsets.US_ASCII), fuzzBytes(random, 12));
                byte[] stream = stream(random);
                expected.put(text(GoJsonOracle.jsonString(name)), GoJsonOracle.lines(stream, MAX_LINE_LEN));
                UnsentPair pair = closer.add(UnsentPair.open());
                FdSender.send(daemon.logSocket(), name, pair.readEnd());
                pair.closeReadEnd();
                writeInRandomPieces(random, pair, stream);
                pair.writer().close(); // end of file: the last line, if it has no newline, is an entry
            }
            int total = expected.values().stream().mapToInt(List::size).sum();

            List<String> dump = Await.awaitValue(() -> strictUtf8Lines(RawQuery.request(daemon.querySocket(),
                    LinuxKit.MODE_DUMP)), d -> d.stream().filter(l -> l.contains("\"source\":\"fuzz")).count() >= total,
                    java.time.Duration.ofSeconds(90), "the " + total + " entries of the fuzzed sources" + context);

            Map<String, List<String[]>> actual = new HashMap<>();
            long lastSeq = 0;
            for (String line : dump) {
                Matcher entry = ENTRY.matcher(line);
                assertTrue(entry.matches(), "not an entry line: " + line + context);
                long seq = Long.parseLong(entry.group(3));
                assertTrue(seq > lastSeq, "seq " + seq + " after " + lastSeq + context);
                lastSeq = seq;
                actual.computeIfAbsent(entry.group(1), k -> new ArrayList<>())
                        .add(new String[] {entry.group(2), String.valueOf(entry.group(4) != null)});
            }
            for (Map.Entry<String, List<Line>> source : expected.entrySet()) {
                List<String[]> got = actual.getOrDefault(source.getKey(), List.of());
                assertEquals(source.getValue().size(), got.size(), "entries of " + source.getKey() + context);
                for (int i = 0; i < got.size(); i++) {
                    Line want = source.getValue().get(i);
                    String where = "entry " + i + " of " + source.getKey() + ", source bytes " + want + context;
                    assertEquals(text(GoJsonOracle.jsonString(want.msg())), got.get(i)[0], where);
                    assertEquals(String.valueOf(want.truncated()), got.get(i)[1], "truncated, " + where);
                }
            }
        }
    }

    /** A source's whole output: lines of every kind, some far past the limit, maybe no final newline. */
    private static byte[] stream(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < LINES_PER_SOURCE; i++) {
            int kind = random.nextInt(100);
            int length = kind < 10 ? 0 // empty lines are entries
                    : kind < 15 ? MAX_LINE_LEN - 2 + random.nextInt(5) // at the limit, give or take a \r
                    : kind < 15 + (random.nextInt(3) == 0 ? 1 : 0) ? 1_000 + random.nextInt(100_000) // far past it
                    : random.nextInt(3 * MAX_LINE_LEN);
            out.writeBytes(fuzzBytes(random, length));
            if (random.nextInt(8) == 0) {
                out.write('\r'); // a \r\n ending, or (below, a second one) a \r kept
            }
            if (random.nextInt(40) == 0) {
                out.write('\r');
            }
            out.write('\n');
        }
        if (random.nextBoolean()) {
            out.writeBytes(fuzzBytes(random, random.nextInt(2 * MAX_LINE_LEN))); // a last line without newline
        }
        return out.toByteArray();
    }

    /** Bytes without {@code \n}: mostly text, with every kind of byte the escaping must handle. */
    private static byte[] fuzzBytes(Random random, int length) {
        byte[][] pieces = {bytes('"'), bytes('\\'), bytes('<'), bytes('>'), bytes('&'), bytes('\r'), bytes('\t'),
            bytes('\b'), bytes('\f'), bytes(0), bytes(0x1f), bytes(0x7f), utf8("é"), utf8("€"), utf8("😀"),
            utf8("\u2028"), utf8("\u2029"), utf8("\ufffd"), utf8("\u2027"), bytes(0xe2, 0x80), bytes(0xe2),
            bytes(0x80), bytes(0xbf), bytes(0xff), bytes(0xfe), bytes(0xc0, 0xaf), bytes(0xc1, 0xbf),
            bytes(0xed, 0xa0, 0x80), bytes(0xed, 0x9f, 0xbf), bytes(0xef, 0xbf, 0xbf), bytes(0xf4, 0x90, 0x80, 0x80),
            bytes(0xf4, 0x8f, 0xbf, 0xbf), bytes(0xf0, 0x8f, 0xbf, 0xbf), bytes(0xf0, 0x9f, 0x98), bytes(0xe0, 0x9f, 0x80),
            bytes(0xf5, 0x80, 0x80, 0x80)};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int density = 1 + random.nextInt(6);
        while (out.size() < length) {
            int pick = random.nextInt(density + 2);
            if (pick == 0) {
                out.writeBytes(pieces[random.nextInt(pieces.length)]);
            } else if (pick == 1) {
                int b = random.nextInt(256);
                out.write(b == '\n' ? 'n' : b);
            } else {
                out.write(' ' + random.nextInt(95));
            }
        }
        byte[] all = out.toByteArray();
        return java.util.Arrays.copyOf(all, length); // may cut a sequence: also a case
    }

    private static void writeInRandomPieces(Random random, UnsentPair pair, byte[] stream) throws Exception {
        for (int at = 0; at < stream.length;) {
            int size = Math.min(stream.length - at, 1 + random.nextInt(random.nextBoolean() ? 16 : 4096));
            ByteBuffer piece = ByteBuffer.wrap(stream, at, size);
            while (piece.hasRemaining()) {
                pair.writer().write(piece);
            }
            at += size;
        }
    }

    /** The dump's lines, failing on any byte that is not valid UTF-8: every line must be. */
    private static List<String> strictUtf8Lines(byte[] dump) throws Exception {
        String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(dump)).toString();
        return text.lines().filter(l -> !l.contains("\"source\":\"memlogd\"")).toList();
    }

    private static String text(byte[] utf8) {
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

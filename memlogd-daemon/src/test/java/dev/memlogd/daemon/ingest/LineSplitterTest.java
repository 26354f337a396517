package dev.memlogd.daemon.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.memlogd.core.ring.RecordDescriptor;

class LineSplitterTest {
    private final List<String> lines = new ArrayList<>();
    private final LineSplitter splitter = new LineSplitter(8, (source, data, index, length, flags) -> {
        byte[] bytes = new byte[length];
        data.get(index, bytes);
        String line = new String(bytes, StandardCharsets.ISO_8859_1);
        lines.add((flags & RecordDescriptor.FLAG_TRUNCATED) != 0 ? line + "[cut]" : line);
    });
    private final Source source = Source.unattached("s", new byte[] {'s'});

    private void feed(String text) {
        splitter.split(source, ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void splitsOnNewlineAndKeepsEmptyLines() {
        feed("a\n\nb\n");

        assertEquals(List.of("a", "", "b"), lines);
    }

    @Test
    void crLfEndingLosesTheCrButALoneCrStays() {
        feed("a\r\nb\rc\n");

        assertEquals(List.of("a", "b\rc"), lines);
    }

    @Test
    void lineSpanningReadsIsJoined() {
        feed("hel");
        feed("lo");
        feed("\nx\n");

        assertEquals(List.of("hello", "x"), lines);
    }

    @Test
    void longLineIsCutAndTheRestUpToNewlineDropped() {
        feed("0123456789abc\nnext\n");

        assertEquals(List.of("01234567[cut]", "next"), lines);
    }

    @Test
    void longLineSpanningReadsIsCutOnceAndTheRestDropped() {
        feed("0123");
        feed("456789");
        feed("abcdef");
        feed("\nok\n");

        assertEquals(List.of("01234567[cut]", "ok"), lines);
    }

    @Test
    void lineOfExactlyMaxLengthWithCrLfIsNotTruncated() {
        feed("01234567\r\n");
        feed("0123");
        feed("4567\r");
        feed("\n");

        assertEquals(List.of("01234567", "01234567"), lines);
    }

    @Test
    void lastLineWithoutNewlineIsEmittedAtEndOfInputWithItsCr() {
        feed("a\nlast\r");

        splitter.endOfInput(source);

        assertEquals(List.of("a", "last\r"), lines);
    }

    @Test
    void endOfInputWithoutPartialLineEmitsNothing() {
        feed("a\n");

        splitter.endOfInput(source);

        assertEquals(List.of("a"), lines);
    }

    /** A sink that is full every few lines must get exactly the lines an unhurried sink gets. */
    @Test
    void stoppingWhenTheSinkIsFullAndCarryingOnLosesAndRepeatsNothing() {
        long seed = new java.util.Random().nextLong();
        java.util.Random random = new java.util.Random(seed);
        byte[] alphabet = "ab\r\n\n".getBytes(StandardCharsets.ISO_8859_1);
        for (int round = 0; round < 200; round++) {
            List<byte[]> reads = new ArrayList<>();
            for (int r = random.nextInt(6) + 1; r > 0; r--) {
                byte[] read = new byte[random.nextInt(40)];
                for (int b = 0; b < read.length; b++) {
                    read[b] = alphabet[random.nextInt(alphabet.length)];
                }
                reads.add(read);
            }
            List<String> expected = splitAll(reads, random, false);
            List<String> actual = splitAll(reads, random, true);
            assertEquals(expected, actual, "seed " + seed + ", round " + round);
        }
    }

    private static List<String> splitAll(List<byte[]> reads, java.util.Random random, boolean stopping) {
        List<String> out = new ArrayList<>();
        int[] room = {0};
        LineSplitter.LineSink sink = new LineSplitter.LineSink() {
            @Override
            public void line(Source s, ByteBuffer data, int index, int length, int flags) {
                byte[] bytes = new byte[length];
                data.get(index, bytes);
                out.add(new String(bytes, StandardCharsets.ISO_8859_1) + ((flags & RecordDescriptor.FLAG_TRUNCATED) != 0 ? "[cut]" : ""));
                room[0]--;
            }

            @Override
            public boolean full() {
                return stopping && room[0] <= 0;
            }
        };
        LineSplitter splitter = new LineSplitter(8, sink);
        Source s = Source.unattached("s", new byte[] {'s'});
        for (byte[] read : reads) {
            ByteBuffer data = ByteBuffer.wrap(read);
            int stops = 0;
            while (!splitter.split(s, data)) {
                stops++;
                assertEquals(true, stops < 100, "no progress");
                room[0] = random.nextInt(3) + 1; // the reader took some: carry on
            }
            assertEquals(read.length, data.position());
        }
        room[0] = Integer.MAX_VALUE;
        splitter.endOfInput(s);
        return out;
    }

    /**
     * Random streams of any bytes, cut into random reads and split out of direct and heap
     * buffers of both byte orders at non-zero positions (the newline search reads eight bytes
     * at a time in the buffer's order), give the lines the documented rules give for the
     * whole stream.
     */
    @Test
    void anyBytesInAnyBufferSplitAsTheRulesSay() {
        long seed = new java.util.Random().nextLong();
        java.util.Random random = new java.util.Random(seed);
        int max = 20;
        for (int round = 0; round < 300; round++) {
            byte[] stream = new byte[random.nextInt(400)];
            int newlineOdds = 2 + random.nextInt(40);
            for (int b = 0; b < stream.length; b++) {
                int pick = random.nextInt(newlineOdds);
                stream[b] = pick == 0 ? (byte) '\n' : pick == 1 ? (byte) '\r' : (byte) random.nextInt(256);
            }
            List<String> expected = new ArrayList<>();
            int start = 0;
            for (int i = 0; i <= stream.length; i++) {
                boolean newline = i < stream.length && stream[i] == '\n';
                if (!newline && (i < stream.length || start == stream.length)) {
                    continue;
                }
                int length = i - start;
                if (newline && length > 0 && stream[i - 1] == '\r') {
                    length--;
                }
                String line = new String(stream, start, Math.min(length, max), StandardCharsets.ISO_8859_1);
                expected.add(length > max ? line + "[cut]" : line);
                start = i + 1;
            }

            List<String> actual = new ArrayList<>();
            LineSplitter splitter = new LineSplitter(max, (src, data, index, length, flags) -> {
                byte[] bytes = new byte[length];
                data.get(index, bytes);
                String line = new String(bytes, StandardCharsets.ISO_8859_1);
                actual.add((flags & RecordDescriptor.FLAG_TRUNCATED) != 0 ? line + "[cut]" : line);
            });
            Source s = Source.unattached("s", new byte[] {'s'});
            for (int at = 0; at < stream.length;) {
                int n = Math.min(stream.length - at, 1 + random.nextInt(random.nextBoolean() ? 12 : 100));
                int offset = random.nextInt(9);
                ByteBuffer data = random.nextBoolean() ? ByteBuffer.allocateDirect(offset + n + 5)
                        : ByteBuffer.allocate(offset + n + 5);
                data.order(random.nextBoolean() ? java.nio.ByteOrder.BIG_ENDIAN : java.nio.ByteOrder.LITTLE_ENDIAN);
                // Newlines past the limit must not be seen.
                for (int k = 0; k < data.capacity(); k++) {
                    data.put(k, (byte) '\n');
                }
                data.put(offset, stream, at, n).position(offset).limit(offset + n);
                assertEquals(true, splitter.split(s, data));
                assertEquals(offset + n, data.position());
                at += n;
            }
            splitter.endOfInput(s);
            assertEquals(expected, actual, "seed " + seed + ", round " + round);
        }
    }
}

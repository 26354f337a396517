package dev.memlogd.core.ring;

import static dev.memlogd.core.ring.RecordDescriptor.FLAG_PADDING;
import static dev.memlogd.core.ring.RecordDescriptor.FLAG_TRUNCATED;
import static dev.memlogd.core.ring.RecordDescriptor.HEADER_LENGTH;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LogRingTest {
    private static final byte[] NO_SOURCE = new byte[0];

    @Test
    void appendedEntryReadsBackWithAllFields() {
        LogRing ring = new LogRing(10, 4096);
        byte[] source = "web.out".getBytes(UTF_8);
        byte[] msg = "hello, ring".getBytes(UTF_8);

        long seq = ring.append(1_700_000_000_123_456_789L, source, source.length,
                ByteBuffer.wrap(msg), 0, msg.length, FLAG_TRUNCATED);

        int offset = ring.recordOffset(seq);
        ByteBuffer buffer = ring.buffer();
        assertAll(
                () -> assertEquals(HEADER_LENGTH + source.length + msg.length,
                        buffer.getInt(offset + RecordDescriptor.LENGTH_OFFSET)),
                () -> assertEquals(seq, buffer.getLong(RecordDescriptor.seqOffset(offset))),
                () -> assertEquals(1_700_000_000_123_456_789L, timeNanos(ring, seq)),
                () -> assertEquals(FLAG_TRUNCATED, flags(ring, seq)),
                () -> assertArrayEquals(source, source(ring, seq)),
                () -> assertArrayEquals(msg, message(ring, seq)));
    }

    @Test
    void sequenceStartsAtOneAndGrowsByOneAcrossEvictions() {
        LogRing ring = new LogRing(2, 4096);

        long[] seqs = new long[5];
        for (int i = 0; i < seqs.length; i++) {
            seqs[i] = appendText(ring, "line " + i);
        }

        assertArrayEquals(new long[] {1, 2, 3, 4, 5}, seqs);
        assertEquals(6, ring.nextSeq());
    }

    @Test
    void emptyRingHoldsNothing() {
        LogRing ring = new LogRing(10, 4096);

        assertAll(
                () -> assertEquals(0, ring.size()),
                () -> assertEquals(1, ring.oldestSeq()),
                () -> assertEquals(1, ring.nextSeq()),
                () -> assertEquals(0, ring.bytesUsed()),
                () -> assertEquals(0, ring.evictedCount()),
                () -> assertThrows(IllegalArgumentException.class, () -> ring.recordOffset(1)));
    }

    @Test
    void constructorRejectsTooFewLinesWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LogRing(0, 4096));

        assertTrue(e.getMessage().contains("maxLines=0"), e.getMessage());
    }

    @Test
    void constructorRejectsTooFewBytesWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LogRing(10, 4095));

        assertTrue(e.getMessage().contains("maxBytes=4095"), e.getMessage());
    }

    @Test
    void capacityIsMaxBytesRoundedUpToAlignment() {
        LogRing ring = new LogRing(10, 4097);

        assertEquals(4104, ring.capacity());
    }

    @Test
    void lineCountBoundEvictsOldestEntries() {
        LogRing ring = new LogRing(3, 4096);

        for (int i = 1; i <= 5; i++) {
            appendText(ring, "line " + i);
        }

        assertAll(
                () -> assertEquals(3, ring.size()),
                () -> assertEquals(3, ring.oldestSeq()),
                () -> assertEquals(2, ring.evictedCount()),
                () -> assertEquals("line 3", new String(message(ring, 3), UTF_8)),
                () -> assertThrows(IllegalArgumentException.class, () -> ring.recordOffset(2)));
    }

    @Test
    void byteBudgetEvictsOldestAndKeepsNewest() {
        LogRing ring = new LogRing(1000, 4096);
        int msgLength = 1024 - HEADER_LENGTH; // aligned record of 1024: exactly 4 fit

        for (int i = 1; i <= 10; i++) {
            appendFilled(ring, NO_SOURCE, msgLength, (byte) i);
        }

        assertAll(
                () -> assertEquals(4, ring.size()),
                () -> assertEquals(7, ring.oldestSeq()),
                () -> assertEquals(4096, ring.bytesUsed()),
                () -> assertEquals(6, ring.evictedCount()),
                () -> assertArrayEquals(filled(msgLength, (byte) 7), message(ring, 7)),
                () -> assertArrayEquals(filled(msgLength, (byte) 10), message(ring, 10)));
    }

    @Test
    void recordThatDoesNotFitBeforeTheEndIsPrecededByPaddingAndStartsAtZero() {
        LogRing ring = new LogRing(1000, 4096);
        for (int i = 0; i < 3; i++) {
            appendFilled(ring, NO_SOURCE, 1352 - HEADER_LENGTH, (byte) i); // tail ends at 4056
        }

        long seq = appendFilled(ring, NO_SOURCE, 100, (byte) 9); // aligned 136 > 40 left

        ByteBuffer buffer = ring.buffer();
        assertAll(
                () -> assertEquals(0, ring.recordOffset(seq)),
                () -> assertEquals(40, buffer.getInt(4056 + RecordDescriptor.LENGTH_OFFSET)),
                () -> assertEquals(FLAG_PADDING, buffer.getInt(RecordDescriptor.flagsOffset(4056))),
                () -> assertEquals(2, ring.oldestSeq()),
                () -> assertEquals(2 * 1352 + 40 + 136, ring.bytesUsed()),
                () -> assertArrayEquals(filled(100, (byte) 9), message(ring, seq)));
    }

    @Test
    void recordsReadBackIntactAfterManyWraps() {
        LogRing ring = new LogRing(50, 8192);

        for (int i = 0; i < 10_000; i++) { // about 7.8 MB through 8 KiB: hundreds of wraps
            appendFilled(ring, ("src" + i % 7).getBytes(UTF_8), (i * 37) % 1500, (byte) i);
        }

        for (long seq = ring.oldestSeq(); seq < ring.nextSeq(); seq++) {
            int i = (int) (seq - 1);
            assertArrayEquals(("src" + i % 7).getBytes(UTF_8), source(ring, seq), "seq " + seq);
            assertArrayEquals(filled((i * 37) % 1500, (byte) i), message(ring, seq), "seq " + seq);
        }
        assertTrue(ring.size() > 1 && ring.bytesUsed() <= ring.capacity());
    }

    @Test
    void messageIsCopiedFromDirectBufferAtIndexWithoutMovingPositionOrLimit() {
        LogRing ring = new LogRing(10, 4096);
        ByteBuffer direct = ByteBuffer.allocateDirect(64);
        direct.put(10, "inside".getBytes(UTF_8));
        direct.position(3).limit(40);

        long seq = ring.append(0, NO_SOURCE, 0, direct, 10, 6, 0);

        assertAll(
                () -> assertEquals("inside", new String(message(ring, seq), UTF_8)),
                () -> assertEquals(3, direct.position()),
                () -> assertEquals(40, direct.limit()));
    }

    @Test
    void recordLargerThanBufferIsRejectedWithSizesAndChangesNothing() {
        LogRing ring = new LogRing(10, 4096);
        appendText(ring, "kept");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ring.append(0, NO_SOURCE, 0, ByteBuffer.allocate(4096), 0, 4096, 0));

        assertTrue(e.getMessage().contains("recordLength=4128")
                && e.getMessage().contains("capacity=4096"), e.getMessage());
        assertEquals(1, ring.size());
        assertEquals(2, ring.nextSeq());
    }

    @Test
    void recordFillingTheWholeBufferEvictsEverythingElse() {
        LogRing ring = new LogRing(10, 4096);
        appendText(ring, "first");
        appendText(ring, "second");

        long seq = appendFilled(ring, NO_SOURCE, 4096 - HEADER_LENGTH, (byte) 1);

        assertEquals(1, ring.size());
        assertEquals(seq, ring.oldestSeq());
        assertEquals(4096, ring.bytesUsed());
    }

    @Test
    void paddingFlagIsRejected() {
        LogRing ring = new LogRing(10, 4096);

        assertThrows(IllegalArgumentException.class,
                () -> ring.append(0, NO_SOURCE, 0, ByteBuffer.allocate(1), 0, 1, FLAG_PADDING));

        assertEquals(0, ring.size());
    }

    /**
     * Reference model of the documented rules: at most maxLines entries; a record that does
     * not fit before the end starts at the next multiple of capacity; oldest entries go
     * until the span from the oldest record's start to the newest record's end fits.
     */
    @Test
    void randomAppendsMatchReferenceModel() {
        long randomSeed = new Random().nextLong();
        Random random = new Random(randomSeed);
        int maxLines = 80;
        LogRing ring = new LogRing(maxLines, 65_536 + 3); // odd on purpose: rounded to 65,544
        int capacity = ring.capacity();
        ArrayDeque<Expected> model = new ArrayDeque<>();
        long modelTail = 0;
        long byLines = 0;
        long byBytes = 0;
        long wraps = 0;

        for (int op = 0; op < 200_000; op++) {
            byte[] source = randomBytes(random, random.nextInt(24));
            byte[] msg = randomBytes(random, random.nextBoolean() ? random.nextInt(41) : random.nextInt(2001));
            int index = random.nextInt(8);
            ByteBuffer msgBuffer = ByteBuffer.allocate(index + msg.length + 3);
            msgBuffer.put(index, msg);
            long time = random.nextLong();
            int flags = random.nextInt(4) == 0 ? FLAG_TRUNCATED : 0;
            long aligned = RecordDescriptor.alignedLength(RecordDescriptor.recordLength(source.length, msg.length));

            long seq = ring.append(time, source, source.length, msgBuffer, index, msg.length, flags);

            if (model.size() == maxLines) {
                model.removeFirst();
                byLines++;
            }
            long start = modelTail % capacity + aligned > capacity ? (modelTail / capacity + 1) * capacity : modelTail;
            wraps += start != modelTail ? 1 : 0;
            while (!model.isEmpty() && start + aligned - model.peekFirst().start > capacity) {
                model.removeFirst();
                byBytes++;
            }
            model.addLast(new Expected(seq, start, time, flags, source, msg));
            modelTail = start + aligned;
            String where = "op " + op + ", seed " + randomSeed;
            assertEquals(model.peekFirst().seq, ring.oldestSeq(), where);
            assertEquals(model.size(), ring.size(), where);
            assertEquals(modelTail - model.peekFirst().start, ring.bytesUsed(), where);
            assertEquals(seq + 1, ring.nextSeq(), where);
            for (Expected expected : model) {
                assertMatches(ring, expected, capacity, where);
            }
        }
        assertTrue(byLines > 0 && byBytes > 0 && wraps > 0,
                "lines=" + byLines + " bytes=" + byBytes + " wraps=" + wraps);
        assertEquals(byLines + byBytes, ring.evictedCount());
    }

    @Test
    void roomCountsTheEntriesAReaderCanFallBehindByLines() {
        LogRing ring = new LogRing(10, 1 << 20);
        int maxAligned = RecordDescriptor.alignedLength(RecordDescriptor.recordLength(0, 64));
        for (int i = 0; i < 4; i++) {
            appendText(ring, "line " + i);
        }

        assertAll(
                () -> assertEquals(10, ring.room(ring.nextSeq(), maxAligned), "caught up"),
                () -> assertEquals(6, ring.room(1, maxAligned), "four behind"),
                () -> assertEquals(10, ring.room(99, maxAligned), "beyond the newest counts as caught up"));
    }

    @Test
    void evictedSeqCountsAsTheOldestHeld() {
        LogRing ring = new LogRing(3, 1 << 20);
        for (int i = 0; i < 5; i++) {
            appendText(ring, "line " + i);
        }

        assertEquals(ring.room(ring.oldestSeq(), 64), ring.room(1, 64));
        assertEquals(0, ring.room(1, 64));
    }

    /** Whatever room() says may be appended, with records up to the size given, never evicts the entry. */
    @Test
    void appendingRoomRecordsNeverEvictsTheKeptEntry() {
        long randomSeed = new Random().nextLong();
        Random random = new Random(randomSeed);
        LogRing ring = new LogRing(200, 16_384);
        int maxMsg = 500;
        int maxAligned = RecordDescriptor.alignedLength(RecordDescriptor.recordLength(0, maxMsg));
        long tight = 0;
        for (int round = 0; round < 20_000; round++) {
            long keep = ring.oldestSeq() + (ring.size() == 0 ? 0 : random.nextInt(ring.size() + 1));
            long room = ring.room(keep, maxAligned);
            for (long i = 0; i < room; i++) {
                appendRandom(ring, random, maxMsg);
            }
            String where = "round " + round + ", seed " + randomSeed + ", keep " + keep + ", room " + room;
            assertTrue(keep >= ring.oldestSeq(), where);
            // And never pessimistic by more than the padding allowance: room + 2 records of
            // the largest size evict it.
            if (random.nextInt(4) == 0 && keep < ring.nextSeq()) {
                long fresh = ring.room(keep, maxAligned);
                for (long i = 0; i < fresh + 2; i++) {
                    ring.append(0, NO_SOURCE, 0, ByteBuffer.allocate(maxMsg), 0, maxMsg, 0);
                }
                assertTrue(keep < ring.oldestSeq(), where + ", fresh room " + fresh);
                tight++;
            }
            for (int i = random.nextInt(5); i > 0; i--) {
                appendRandom(ring, random, maxMsg);
            }
        }
        assertTrue(tight > 1000, "tightness checked only " + tight + " times");
    }

    private static void appendRandom(LogRing ring, Random random, int maxMsg) {
        int length = random.nextInt(maxMsg + 1);
        ring.append(0, NO_SOURCE, 0, ByteBuffer.allocate(length), 0, length, 0);
    }

    private record Expected(long seq, long start, long time, int flags, byte[] source, byte[] msg) {
    }

    private static void assertMatches(LogRing ring, Expected expected, int capacity, String where) {
        long seq = expected.seq();
        String at = where + ", seq " + seq;
        int offset = ring.recordOffset(seq);
        ByteBuffer buffer = ring.buffer();
        int sourceLength = buffer.getInt(RecordDescriptor.sourceLengthOffset(offset));
        int msgLength = buffer.getInt(RecordDescriptor.msgLengthOffset(offset));
        assertEquals(expected.start() % capacity, offset, at);
        assertEquals(RecordDescriptor.recordLength(sourceLength, msgLength),
                buffer.getInt(offset + RecordDescriptor.LENGTH_OFFSET), at);
        assertEquals(seq, buffer.getLong(RecordDescriptor.seqOffset(offset)), at);
        assertEquals(expected.time(), timeNanos(ring, seq), at);
        assertEquals(expected.flags(), flags(ring, seq), at);
        assertEquals(expected.source().length, sourceLength, at);
        assertEquals(expected.msg().length, msgLength, at);
        // Compared in place (vectorised, no copy): every held entry is checked after every op.
        assertEquals(-1, buffer.slice(RecordDescriptor.sourceOffset(offset), sourceLength)
                .mismatch(ByteBuffer.wrap(expected.source())), at);
        assertEquals(-1, buffer.slice(RecordDescriptor.msgOffset(offset, sourceLength), msgLength)
                .mismatch(ByteBuffer.wrap(expected.msg())), at);
    }

    static long timeNanos(LogRing ring, long seq) {
        return ring.buffer().getLong(RecordDescriptor.timeOffset(ring.recordOffset(seq)));
    }

    static int flags(LogRing ring, long seq) {
        return ring.buffer().getInt(RecordDescriptor.flagsOffset(ring.recordOffset(seq)));
    }

    private static long appendText(LogRing ring, String text) {
        byte[] msg = text.getBytes(UTF_8);
        return ring.append(0, NO_SOURCE, 0, ByteBuffer.wrap(msg), 0, msg.length, 0);
    }

    private static long appendFilled(LogRing ring, byte[] source, int msgLength, byte fill) {
        return ring.append(0, source, source.length, ByteBuffer.wrap(filled(msgLength, fill)), 0, msgLength, 0);
    }

    private static byte[] filled(int length, byte fill) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, fill);
        return bytes;
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    static byte[] source(LogRing ring, long seq) {
        int offset = ring.recordOffset(seq);
        byte[] bytes = new byte[ring.buffer().getInt(RecordDescriptor.sourceLengthOffset(offset))];
        ring.buffer().get(RecordDescriptor.sourceOffset(offset), bytes);
        return bytes;
    }

    static byte[] message(LogRing ring, long seq) {
        int offset = ring.recordOffset(seq);
        int sourceLength = ring.buffer().getInt(RecordDescriptor.sourceLengthOffset(offset));
        byte[] bytes = new byte[ring.buffer().getInt(RecordDescriptor.msgLengthOffset(offset))];
        ring.buffer().get(RecordDescriptor.msgOffset(offset, sourceLength), bytes);
        return bytes;
    }
}

package dev.memlogd.core.ring;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RingCursorTest {
    private static final int MAX_LINES = 10;

    @Test
    void cursorOverrunByEvictionCountsTheEntriesItMissed() {
        LogRing ring = new LogRing(MAX_LINES, 4096);
        RingCursor cursor = new RingCursor(ring, 1);

        appendLines(ring, MAX_LINES + 5);

        assertAll(
                () -> assertEquals(5, cursor.lapped()), // seqs 1..5 evicted, oldest is 6
                () -> assertEquals(6, ring.oldestSeq()),
                () -> assertFalse(cursor.hasNext()));
    }

    @Test
    void skipLappedMovesToOldestAndReturnsMissedCount() {
        LogRing ring = new LogRing(MAX_LINES, 4096);
        RingCursor cursor = new RingCursor(ring, 1);
        appendLines(ring, MAX_LINES + 5);

        long missed = cursor.skipLapped();

        assertAll(
                () -> assertEquals(5, missed),
                () -> assertEquals(ring.oldestSeq(), cursor.nextSeq()),
                () -> assertEquals(0, cursor.lapped()),
                () -> assertTrue(cursor.hasNext()));
    }

    @Test
    void skipLappedOnCursorThatIsNotLappedDoesNothing() {
        LogRing ring = new LogRing(MAX_LINES, 4096);
        appendLines(ring, 3);
        RingCursor cursor = new RingCursor(ring, 2);

        long missed = cursor.skipLapped();

        assertEquals(0, missed);
        assertEquals(2, cursor.nextSeq());
    }

    @Test
    void cursorReadsEveryHeldEntryInOrderThenHasNoNext() {
        LogRing ring = new LogRing(MAX_LINES, 4096);
        appendLines(ring, 3);
        RingCursor cursor = new RingCursor(ring, ring.oldestSeq());

        List<String> read = new ArrayList<>();
        while (cursor.hasNext()) {
            read.add(messageAt(ring, cursor.nextRecordOffset()));
            cursor.advance();
        }

        assertEquals(List.of("line 1", "line 2", "line 3"), read);
        assertFalse(cursor.hasNext());
        assertEquals(4, cursor.nextSeq());
    }

    @Test
    void caughtUpCursorHasNextAgainAfterAppend() {
        LogRing ring = new LogRing(MAX_LINES, 4096);
        RingCursor cursor = new RingCursor(ring, ring.nextSeq());

        appendLines(ring, 1);

        assertTrue(cursor.hasNext());
        assertEquals("line 1", messageAt(ring, cursor.nextRecordOffset()));
    }

    @Test
    void caughtUpCursorRefusesToReadOrAdvance() {
        LogRing ring = new LogRing(MAX_LINES, 4096);
        appendLines(ring, 2);

        RingCursor cursor = new RingCursor(ring, ring.nextSeq());

        assertAll(
                () -> assertFalse(cursor.hasNext()),
                () -> assertThrows(IllegalStateException.class, cursor::nextRecordOffset),
                () -> assertThrows(IllegalStateException.class, cursor::advance));
    }

    @Test
    void cursorOnEmptyRingIsNeitherLappedNorReadable() {
        LogRing ring = new LogRing(MAX_LINES, 4096);

        RingCursor cursor = new RingCursor(ring, ring.nextSeq());

        assertAll(
                () -> assertEquals(1, cursor.nextSeq()),
                () -> assertEquals(0, cursor.lapped()),
                () -> assertEquals(0, cursor.skipLapped()),
                () -> assertFalse(cursor.hasNext()));
    }

    @Test
    void cursorLappedByByteBudgetCountsTheEntriesItMissed() {
        LogRing ring = new LogRing(1000, 4096);
        RingCursor cursor = new RingCursor(ring, 1);
        byte[] msg = new byte[1024 - RecordDescriptor.HEADER_LENGTH]; // 4 records fill the ring

        for (int i = 0; i < 10; i++) {
            ring.append(0, new byte[0], 0, ByteBuffer.wrap(msg), 0, msg.length, 0);
        }

        assertEquals(6, cursor.lapped());
        assertEquals(6, cursor.skipLapped());
        assertEquals(7, cursor.nextSeq());
    }

    @Test
    void seekBeyondRingTailIsRejectedWithValues() {
        LogRing ring = new LogRing(MAX_LINES, 4096);
        RingCursor cursor = new RingCursor(ring, 1);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cursor.seek(2));

        assertTrue(e.getMessage().contains("seq=2") && e.getMessage().contains("ring.nextSeq=1"),
                e.getMessage());
    }

    private static void appendLines(LogRing ring, int count) {
        for (int i = 1; i <= count; i++) {
            byte[] msg = ("line " + i).getBytes(UTF_8);
            ring.append(i, new byte[0], 0, ByteBuffer.wrap(msg), 0, msg.length, 0);
        }
    }

    private static String messageAt(LogRing ring, int offset) {
        ByteBuffer buffer = ring.buffer();
        int sourceLength = buffer.getInt(RecordDescriptor.sourceLengthOffset(offset));
        byte[] msg = new byte[buffer.getInt(RecordDescriptor.msgLengthOffset(offset))];
        buffer.get(RecordDescriptor.msgOffset(offset, sourceLength), msg);
        return new String(msg, UTF_8);
    }
}

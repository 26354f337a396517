package dev.memlogd.daemon.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.memlogd.core.ring.LogRing;
import dev.memlogd.core.ring.RecordDescriptor;
import dev.memlogd.core.ring.RingCursor;
import dev.memlogd.daemon.loop.Clock;
import dev.memlogd.daemon.loop.OwnLog;

/** The entries about refused query clients, over a real ring and a ticker the test moves. */
class RefusalsTest {
    private final LogRing ring = new LogRing(1000, 1 << 20);
    private final AtomicLong now = new AtomicLong(1_000);
    private final Refusals refusals = new Refusals(new OwnLog(ring, new Clock(), 1024), now::get);

    private List<String> entries() {
        List<String> messages = new ArrayList<>();
        RingCursor cursor = new RingCursor(ring, ring.oldestSeq());
        while (cursor.hasNext()) {
            int offset = cursor.nextRecordOffset();
            int sourceLength = ring.buffer().getInt(RecordDescriptor.sourceLengthOffset(offset));
            int length = ring.buffer().getInt(RecordDescriptor.msgLengthOffset(offset));
            byte[] msg = new byte[length];
            ring.buffer().get(RecordDescriptor.msgOffset(offset, sourceLength), msg);
            messages.add(new String(msg, StandardCharsets.UTF_8));
            cursor.advance();
        }
        return messages;
    }

    /** Issue 11, item 3: after the first ten refusals nothing was logged. */
    @Test
    void refusalsBeyondTheBurstAreSummedUpWhenTheMinuteEnds() {
        for (int i = 0; i < 3_312; i++) {
            refusals.refused(i % 2 == 0 ? Refusals.Reason.SILENT : Refusals.Reason.EVICTED, Peer.UNKNOWN, "why " + i);
        }
        assertEquals(OwnLog.BURST, entries().size());

        now.addAndGet(OwnLog.WINDOW_NANOS);
        refusals.flushIfDue(now.get());

        String summary = entries().get(entries().size() - 1);
        assertTrue(summary.startsWith("refused 3,302 query clients in the last minute beyond the 10 logged:"),
                summary);
        assertTrue(summary.contains("1,651 no mode byte in time (unknown user: 1,651)"), summary);
        assertTrue(summary.contains("1,651 evicted while waiting for their mode byte"), summary);
    }

    @Test
    void summaryIsDueAMinuteAfterTheFirstRefusalAndNotBefore() {
        refusals.refused(Refusals.Reason.DENIED, Peer.UNKNOWN, "why");

        assertEquals(1_000 + OwnLog.WINDOW_NANOS, refusals.deadline());
    }

    @Test
    void minuteWithoutSuppressedRefusalsWritesNoSummary() {
        refusals.refused(Refusals.Reason.DENIED, Peer.UNKNOWN, "why");

        now.addAndGet(OwnLog.WINDOW_NANOS);
        refusals.flushIfDue(now.get());

        assertEquals(1, entries().size());
        assertEquals(Long.MAX_VALUE, refusals.deadline());
    }
}

package dev.memlogd.daemon.follow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.memlogd.core.ring.LogRing;

/** The hold policy over a real ring and plain readers: no sockets, no clock. */
class HoldPolicyTest {
    private static final long WAIT_NANOS = 1_000_000_000L;
    private static final byte[] SOURCE = {'s'};

    /** A big byte bound, so that the line bound decides the room. */
    private final LogRing ring = new LogRing(100, 16 << 20);
    private final HoldPolicy policy = HoldPolicy.of(ring, 1024, 1000);
    private final List<HoldPolicy.Reader> released = new ArrayList<>();
    private final List<String> tooSlow = new ArrayList<>();
    private final HoldPolicy.Releases releases = new HoldPolicy.Releases() {
        @Override
        public void tookNothing(HoldPolicy.Reader reader) {
            released.add(reader);
        }

        @Override
        public void tooSlow(HoldPolicy.Reader reader, long entries, long nanos) {
            tooSlow.add(entries + " in " + nanos);
        }
    };

    /** A reader as the policy sees it. */
    private static final class Reader implements HoldPolicy.Reader {
        boolean holding = true;
        boolean waiting;
        long progressNanos;
        long nextSeq;
        final Pace pace = new Pace();

        Reader(long nextSeq) {
            this.nextSeq = nextSeq;
        }

        @Override
        public boolean holdsIngest() {
            return holding;
        }

        @Override
        public boolean waitsForWritable() {
            return waiting;
        }

        @Override
        public long lastProgressNanos() {
            return progressNanos;
        }

        @Override
        public long nextSeq() {
            return nextSeq;
        }

        @Override
        public void stopHolding() {
            holding = false;
        }

        @Override
        public Pace pace() {
            return pace;
        }
    }

    private void append(int lines) {
        for (int i = 0; i < lines; i++) {
            ring.append(1, SOURCE, 1, ByteBuffer.wrap(new byte[] {'x'}), 0, 1, 0);
        }
    }

    @Test
    void withoutHoldingReadersIngestIsUnbounded() {
        Reader console = new Reader(1);
        console.holding = false;

        assertEquals(Long.MAX_VALUE, policy.budget(List.of(console), 0, releases));
        assertEquals(Long.MAX_VALUE, policy.budget(List.of(), 0, releases));
    }

    @Test
    void caughtUpReaderLeavesTheRingMinusTheEntriesReservedForTheDaemonsOwnMessages() {
        append(30);
        Reader reader = new Reader(ring.nextSeq());

        long budget = policy.budget(List.of(reader), 0, releases);

        assertEquals(100 - HoldPolicy.OWN_ENTRY_RESERVE, budget);
    }

    @Test
    void budgetShrinksByWhatTheSlowestHoldingReaderHasNotBeenSent() {
        append(60);
        Reader behind = new Reader(ring.nextSeq() - 50);
        Reader caughtUp = new Reader(ring.nextSeq());

        long budget = policy.budget(List.of(caughtUp, behind), 0, releases);

        assertEquals(100 - 50 - HoldPolicy.OWN_ENTRY_RESERVE, budget);
    }

    @Test
    void readerWhoseChannelTookNothingForClientWaitStopsHoldingAndIsReported() {
        append(100);
        Reader stuck = new Reader(ring.oldestSeq());
        stuck.waiting = true;
        stuck.progressNanos = 5_000;

        long before = policy.budget(List.of(stuck), 5_000 + WAIT_NANOS - 1, releases);
        long after = policy.budget(List.of(stuck), 5_000 + WAIT_NANOS, releases);

        assertTrue(before <= 0, "still held just before -client-wait: " + before);
        assertEquals(Long.MAX_VALUE, after);
        assertFalse(stuck.holdsIngest());
        assertEquals(List.of(stuck), released);
    }

    @Test
    void readerThatHasNothingToSendIsNeverReleasedHoweverOld() {
        Reader idle = new Reader(ring.nextSeq());
        idle.progressNanos = 0;

        policy.budget(List.of(idle), 100 * WAIT_NANOS, releases);

        assertTrue(idle.holdsIngest());
        assertTrue(released.isEmpty());
    }

    @Test
    void releaseDeadlineIsTheEarliestWaitingHoldersLastProgressPlusClientWait() {
        Reader first = new Reader(1);
        first.waiting = true;
        first.progressNanos = 700;
        Reader second = new Reader(1);
        second.waiting = true;
        second.progressNanos = 300;
        Reader notWaiting = new Reader(1);
        notWaiting.progressNanos = 0;

        assertEquals(300 + WAIT_NANOS, policy.releaseDeadline(List.of(first, second, notWaiting)));
        assertEquals(Long.MAX_VALUE, policy.releaseDeadline(List.of(notWaiting)));
    }

    @Test
    void clientWaitZeroNeverHoldsIngest() {
        HoldPolicy linuxKit = HoldPolicy.of(ring, 1024, 0);
        append(100);

        assertFalse(linuxKit.enabled());
        assertEquals(Long.MAX_VALUE, linuxKit.budget(List.of(new Reader(ring.oldestSeq())), 0, releases));
    }

    @Test
    void inATinyRingACaughtUpReaderStillLetsOneEntryIn() {
        LogRing tiny = new LogRing(3, 1 << 20);
        HoldPolicy tinyPolicy = HoldPolicy.of(tiny, 1024, 1000);

        long budget = tinyPolicy.budget(List.of(new Reader(tiny.nextSeq())), 0, releases);

        assertEquals(1, budget);
    }

    /** Issue 11, item 6: a reader taking a little just often enough for -client-wait paced every writer. */
    @Test
    void holdingReaderSlowerThanTheMinimumRateForAWindowWhileIngestWaitsStopsHolding() {
        HoldPolicy paced = HoldPolicy.of(ring, 1024, 1000, 100, 1000);
        append(100);
        Reader slow = new Reader(ring.oldestSeq());
        slow.waiting = true;
        slow.progressNanos = 0;

        paced.budget(List.of(slow), 0, releases);
        slow.progressNanos = 900_000_000L; // it takes something before each -client-wait ends
        slow.nextSeq += 99; // 99 entries in a second: one fewer than -hold-min-rate 100
        append(99); // which ingest replaced at once: it still waits for this reader
        long budget = paced.budget(List.of(slow), 1_000_000_000L, releases);

        assertFalse(slow.holdsIngest());
        assertEquals(Long.MAX_VALUE, budget);
        assertEquals(List.of("99 in 1000000000"), tooSlow);
        assertTrue(released.isEmpty(), "not a -client-wait release");
    }

    @Test
    void holdingReaderAtTheMinimumRateKeepsHolding() {
        HoldPolicy paced = HoldPolicy.of(ring, 1024, 1000, 100, 1000);
        append(100);
        Reader steady = new Reader(ring.oldestSeq());
        steady.waiting = true;

        paced.budget(List.of(steady), 0, releases);
        steady.progressNanos = 900_000_000L;
        steady.nextSeq += 100;
        append(100);
        long budget = paced.budget(List.of(steady), 1_000_000_000L, releases);

        assertTrue(steady.holdsIngest());
        assertTrue(budget <= 0, "ingest still waits for it: " + budget);
        assertTrue(tooSlow.isEmpty(), tooSlow.toString());
    }

    @Test
    void slowReaderThatIngestDoesNotWaitForKeepsHolding() {
        HoldPolicy paced = HoldPolicy.of(ring, 1024, 1000, 100, 1000);
        append(10);
        Reader behindButWithRoom = new Reader(ring.oldestSeq());
        behindButWithRoom.waiting = true;

        paced.budget(List.of(behindButWithRoom), 0, releases);
        behindButWithRoom.progressNanos = 900_000_000L;
        paced.budget(List.of(behindButWithRoom), 1_000_000_000L, releases);

        assertTrue(behindButWithRoom.holdsIngest());
        assertTrue(tooSlow.isEmpty(), tooSlow.toString());
    }

    @Test
    void releaseDeadlineIncludesTheEndOfAPaceWindow() {
        HoldPolicy paced = HoldPolicy.of(ring, 1024, 60_000, 100, 1000);
        append(100);
        Reader slow = new Reader(ring.oldestSeq());
        slow.waiting = true;
        slow.progressNanos = 5;

        paced.budget(List.of(slow), 5, releases);

        assertEquals(5 + 1_000_000_000L, paced.releaseDeadline(List.of(slow)));
    }
}

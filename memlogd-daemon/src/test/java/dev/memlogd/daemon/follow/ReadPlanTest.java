package dev.memlogd.daemon.follow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.memlogd.core.ring.LogRing;
import dev.memlogd.core.ring.RecordDescriptor;
import dev.memlogd.core.wire.QueryRequest;

/** What each request reads of a ring holding seq 11..30 (10 evicted), sources a and b alternating. */
class ReadPlanTest {
    private static final String ID = "daemon-now";
    private final LogRing ring = new LogRing(20, 1 << 20);

    ReadPlanTest() {
        for (int i = 1; i <= 30; i++) {
            byte[] source = (i % 2 == 0 ? "a" : "b").getBytes(StandardCharsets.UTF_8);
            ring.append(i, source, 1, ByteBuffer.wrap(new byte[] {'m'}), 0, 1, 0);
        }
    }

    private static QueryRequest request(boolean dump, boolean follow, long after, int tail, String... sources) {
        return new QueryRequest(dump, follow, after, tail, List.of(sources));
    }

    private static QueryRequest resume(long after, String daemon) {
        return new QueryRequest(true, true, after, -1, List.of(), true, daemon);
    }

    @Test
    void dumpReadsEveryHeldEntryAndEndsWhereTheRingEndedWhenAsked() {
        ReadPlan plan = ReadPlan.of(request(true, false, -1, -1), ring, ID);

        assertEquals(11, plan.startSeq());
        assertFalse(plan.follow());
        assertEquals(31, plan.dumpEndSeq());
        assertSame(SourceFilter.ALL, plan.sources());
        assertNull(plan.gap().notice());
    }

    @Test
    void followAloneStartsWithTheNextEntry() {
        ReadPlan plan = ReadPlan.of(request(false, true, -1, -1), ring, ID);

        assertEquals(31, plan.startSeq());
        assertTrue(plan.follow());
    }

    @Test
    void resumeAfterAHeldSeqStartsRightAfterItWithNoGap() {
        ReadPlan plan = ReadPlan.of(request(true, true, 20, -1), ring, ID);

        assertEquals(21, plan.startSeq());
        assertEquals(new ReadPlan.NoGap(), plan.gap());
    }

    @Test
    void resumeAfterAnEvictedSeqStartsAtTheOldestAndCountsWhatWasEvicted() {
        ReadPlan plan = ReadPlan.of(request(true, true, 4, -1), ring, ID);

        assertEquals(11, plan.startSeq());
        assertEquals(new ReadPlan.Evicted(4, 6), plan.gap());
        assertEquals(6, plan.gap().lost());
        assertTrue(plan.gap().notice().startsWith("6 entries after seq 4 were evicted"), plan.gap().notice());
    }

    @Test
    void resumeAfterASeqNeverGivenOutSendsEverythingAndSaysTheDaemonRestarted() {
        ReadPlan plan = ReadPlan.of(request(true, true, 31, -1), ring, ID);

        assertEquals(11, plan.startSeq());
        assertEquals(new ReadPlan.UnknownSeq(31), plan.gap());
        assertEquals(-1, plan.gap().lost());
        assertTrue(plan.gap().notice().contains("restarted"), plan.gap().notice());
    }

    @Test
    void tailCountsOnlyTheWantedSources() {
        ReadPlan plan = ReadPlan.of(request(true, false, -1, 3, "a"), ring, ID);

        // The last three entries of source a are seq 26, 28 and 30.
        assertEquals(26, plan.startSeq());
        assertTrue(plan.sources().matches(ring.buffer(), ring.recordOffset(26)));
        assertFalse(plan.sources().matches(ring.buffer(), ring.recordOffset(27)));
    }

    @Test
    void tailLongerThanTheRingStartsAtTheOldest() {
        ReadPlan plan = ReadPlan.of(request(true, false, -1, 1000), ring, ID);

        assertEquals(11, plan.startSeq());
    }

    /** Issue 11: {"tail":0,"after":0} reported a lost notice for entries it did not ask for. */
    @Test
    void tailOfNothingAfterAnEvictedSeqReportsNoLoss() {
        ReadPlan plan = ReadPlan.of(request(true, true, 0, 0), ring, ID);

        assertEquals(31, plan.startSeq());
        assertEquals(new ReadPlan.NoGap(), plan.gap());
    }

    @Test
    void tailTheRingHoldsWholeAfterAnEvictedSeqReportsNoLoss() {
        ReadPlan plan = ReadPlan.of(request(true, false, 4, 5), ring, ID);

        assertEquals(26, plan.startSeq());
        assertEquals(new ReadPlan.NoGap(), plan.gap());
    }

    @Test
    void tailLongerThanTheRingAfterAnEvictedSeqCountsOnlyTheWantedEntriesLost() {
        // 20 held of the last 25 asked for: 5 of the 6 evicted after seq 4 were wanted.
        ReadPlan plan = ReadPlan.of(request(true, false, 4, 25), ring, ID);

        assertEquals(11, plan.startSeq());
        assertEquals(new ReadPlan.Evicted(4, 5), plan.gap());
    }

    @Test
    void resumeNamingAnotherDaemonWithATailTheRingHoldsStillSaysItRestartedButCountsNoLoss() {
        QueryRequest request = new QueryRequest(true, true, 20, 3, List.of(), true, "daemon-before");

        ReadPlan plan = ReadPlan.of(request, ring, ID);

        assertEquals(28, plan.startSeq());
        assertEquals(new ReadPlan.Restarted("daemon-before", 20, 0), plan.gap());
        assertEquals(-1, plan.gap().lost());
    }

    @Test
    void resumeNamingThisDaemonIsExactAndTheIdentityIsSentFirst() {
        ReadPlan plan = ReadPlan.of(resume(20, ID), ring, ID);

        assertEquals(21, plan.startSeq());
        assertEquals(new ReadPlan.NoGap(), plan.gap());
        assertEquals(ID, plan.identity());
    }

    @Test
    void resumeNamingAnotherDaemonStartsAtTheOldestAndSaysItRestartedCountingWhatThisOneEvicted() {
        ReadPlan plan = ReadPlan.of(resume(20, "daemon-before"), ring, ID);

        assertEquals(11, plan.startSeq());
        assertEquals(new ReadPlan.Restarted("daemon-before", 20, 10), plan.gap());
        assertEquals(10, plan.gap().lost());
        assertTrue(plan.gap().notice().startsWith(
                "memlogd restarted: entries after seq 20 of the previous daemon (daemon-before) may be missing"),
                plan.gap().notice());
    }

    @Test
    void identityIsNotSentUnlessAskedFor() {
        assertNull(ReadPlan.of(request(true, true, -1, -1), ring, ID).identity());
    }

    @Test
    void aRequestWithoutLevelGetsEveryLevel() {
        assertSame(LevelFilter.ALL, ReadPlan.of(request(true, false, -1, -1), ring, ID).levels());
    }

    @Test
    void tailCountsOnlyTheWantedLevelsAndSources() {
        LogRing withPri = new LogRing(20, 1 << 20);
        int[] pris = {3, 6, -1, 11, 4, 3, 30, -1};
        for (int i = 0; i < pris.length; i++) {
            byte[] source = (i == 5 ? "b" : "a").getBytes(StandardCharsets.UTF_8);
            int flags = pris[i] < 0 ? 0 : RecordDescriptor.priFlags(pris[i]);
            withPri.append(i, source, 1, ByteBuffer.wrap(new byte[] {'m'}), 0, 1, flags);
        }

        ReadPlan errors = ReadPlan.of(new QueryRequest(true, false, -1, 2, List.of(), false, null, 3), withPri, ID);
        ReadPlan errorsOfA = ReadPlan.of(new QueryRequest(true, false, -1, 2, List.of("a"), false, null, 3), withPri,
                ID);

        // Errors (level 3 or less): seq 1 (pri 3), 4 (pri 11, user.err), 6 (pri 3, source b).
        assertEquals(4, errors.startSeq());
        assertEquals(1, errorsOfA.startSeq());
        assertFalse(errors.levels().matches(withPri.buffer(), withPri.recordOffset(5)), "pri 4 is a warning");
        assertFalse(errors.levels().matches(withPri.buffer(), withPri.recordOffset(3)), "no priority");
    }
}

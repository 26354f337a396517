package dev.memlogd.logread.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class TimelineTest {
    @Test
    void countsLinesPerSecondWhileTheSpanFitsTheBuckets() {
        Timeline timeline = new Timeline();
        int[] row = timeline.newRow();
        timeline.count(row, 1000);
        timeline.count(row, 1000);
        timeline.count(row, 1005);
        assertEquals(1, timeline.width());
        assertEquals(1000, timeline.origin());
        assertEquals(2, row[0]);
        assertEquals(1, row[5]);
        assertEquals(6, timeline.usedBuckets());
    }

    @Test
    void widensByMergingBucketsWithoutLosingOrMisplacingACount() {
        Timeline timeline = new Timeline();
        int[] a = timeline.newRow();
        int[] b = timeline.newRow();
        long[] times = {1_000_000, 1_000_007, 1_000_130, 999_000, 1_050_000, 1_000_007};
        for (long t : times) {
            timeline.count(a, t);
        }
        timeline.count(b, 1_000_000);
        assertEquals(times.length, Arrays.stream(a).sum());
        assertEquals(1, Arrays.stream(b).sum());
        assertEquals(0, timeline.origin() % timeline.width(), "origin aligned to the width");
        for (long t : times) {
            assertTrue(t >= timeline.origin() && t < timeline.origin() + Timeline.BUCKETS * timeline.width(),
                    t + " on the axis");
        }
        int[] expected = new int[Timeline.BUCKETS];
        for (long t : times) {
            expected[(int) ((t - timeline.origin()) / timeline.width())]++;
        }
        assertArrayEquals(expected, a, "each count in the bucket its time falls in at the final width");
        assertEquals(1, b[(int) ((1_000_000 - timeline.origin()) / timeline.width())]);
    }

    @Test
    void widensTowardsEarlierTimesToo() {
        Timeline timeline = new Timeline();
        int[] row = timeline.newRow();
        timeline.count(row, 500);
        timeline.count(row, 100);
        assertTrue(timeline.origin() <= 100);
        assertEquals(2, Arrays.stream(row).sum());
        assertEquals(1, row[(int) ((100 - timeline.origin()) / timeline.width())]);
    }
}

package dev.memlogd.daemon.follow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class LapsTest {
    private static final long INTERVAL = Follower.LAP_REPORT_INTERVAL_NANOS;
    private final List<String> reports = new ArrayList<>();
    private final Laps.Report report = (missed, laps) -> reports.add(missed + "/" + laps);

    @Test
    void theFirstEpisodeIsReportedAtOnceAndLaterOnesAddUpUntilTheIntervalHasPassed() {
        Laps laps = new Laps();
        laps.lapped(5);
        assertTrue(laps.report(1_000, false, report));
        laps.lapped(3);
        laps.lapped(4);
        assertFalse(laps.report(1_000 + INTERVAL - 1, false, report), "within the interval: kept adding up");
        laps.lapped(1);
        assertTrue(laps.report(1_000 + INTERVAL, false, report));
        assertEquals(List.of("5/1", "8/3"), reports);
        assertEquals(13, laps.total());
    }

    @Test
    void aReaderThatLeavesHasItsEpisodeReportedWhateverTheInterval() {
        Laps laps = new Laps();
        laps.lapped(2);
        laps.report(0, false, report);
        laps.lapped(7);
        assertTrue(laps.report(1, true, report));
        assertEquals(List.of("2/1", "7/1"), reports);
    }

    @Test
    void nothingIsReportedWithoutALap() {
        assertFalse(new Laps().report(0, true, report));
        assertEquals(List.of(), reports);
    }
}

package dev.memlogd.daemon.follow;

/**
 * One follower's laps: the entries the ring evicted before they could be sent, added up in
 * total (for statistics) and per episode (from the first lap until the reader has caught up or
 * left), and when an episode may be reported: at most once per
 * {@link Follower#LAP_REPORT_INTERVAL_NANOS}, laps in between added up, so that a reader lapped
 * over and over cannot fill the ring with reports about itself. Event loop thread only.
 */
final class Laps {
    private long total;
    private long episodeMissed;
    private int episodeLaps;
    private long lastReportNanos;

    /** The reader was lapped once more, missing {@code missed} entries. */
    void lapped(long missed) {
        total += missed;
        episodeMissed += missed;
        episodeLaps++;
    }

    /** Entries missed since the start. */
    long total() {
        return total;
    }

    /**
     * Ends the episode if it is due for a report: always when the reader leaves, else once the
     * interval since the last report has passed.
     *
     * @return whether {@code report} was told
     */
    boolean report(long nowNanos, boolean leaving, Report report) {
        if (episodeMissed == 0) {
            return false;
        }
        if (!leaving && lastReportNanos != 0 && nowNanos - lastReportNanos < Follower.LAP_REPORT_INTERVAL_NANOS) {
            return false; // keep adding up; reported at the next catch-up after the interval, or on leaving
        }
        lastReportNanos = nowNanos;
        report.lapped(episodeMissed, episodeLaps);
        episodeMissed = 0;
        episodeLaps = 0;
        return true;
    }

    /** Where an episode goes. */
    interface Report {
        void lapped(long missed, int laps);
    }
}

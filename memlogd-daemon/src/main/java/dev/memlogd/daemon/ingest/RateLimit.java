package dev.memlogd.daemon.ingest;

/**
 * The per-source rate limit, journald's way ({@code RateLimitBurst=}/{@code RateLimitIntervalSec=}):
 * a source may append {@code burst} lines per window of {@code interval}; a window starts with
 * the first line after the last one ended. Lines beyond the burst are counted, not kept, and
 * when the window ends one entry under the source's own name, flagged
 * {@link dev.memlogd.core.ring.RecordDescriptor#FLAG_SUPPRESSED}, says how many were kept out.
 * {@link #OFF} (burst 0, the default) keeps every line, as LinuxKit's memlogd does.
 * Immutable; the counting is {@link Ingest}'s, in fields of each {@link Source}.
 */
public final class RateLimit {
    /** No limit: every line is appended. */
    public static final RateLimit OFF = new RateLimit(0, 0, "0");

    final int burst;
    final long intervalNanos;
    /** The interval as the user wrote it, for messages. */
    private final String interval;

    private RateLimit(int burst, long intervalNanos, String interval) {
        this.burst = burst;
        this.intervalNanos = intervalNanos;
        this.interval = interval;
    }

    /**
     * @param burst         lines a source may append per interval; 0 for no limit
     * @param intervalNanos the window, at least 1 ns when {@code burst > 0}
     * @param interval      the window as the user wrote it ({@code 30s}), for messages
     */
    public static RateLimit of(int burst, long intervalNanos, String interval) {
        if (burst < 0 || burst > 0 && intervalNanos < 1) {
            throw new IllegalArgumentException("rate limit needs burst >= 0 and, with a burst, an interval > 0: burst="
                    + burst + ", intervalNanos=" + intervalNanos);
        }
        return burst == 0 ? OFF : new RateLimit(burst, intervalNanos, interval);
    }

    public boolean isOff() {
        return burst == 0;
    }

    @Override
    public String toString() {
        return isOff() ? "off" : burst + " lines per " + interval + " per source";
    }

    /** The flags that set it, for messages: {@code -rate-limit-burst 10000 per -rate-limit-interval 30s}. */
    String flags() {
        return "-rate-limit-burst " + burst + " per -rate-limit-interval " + interval;
    }
}

package dev.memlogd.daemon.follow;

/**
 * How fast a holding reader takes entries while it is behind, measured by {@link HoldPolicy}
 * in windows of {@code -hold-min-time}: where the current window started, in time and in seq.
 * Kept by the reader, stopped when it catches up. Event loop thread only.
 */
public final class Pace {
    private boolean measuring;
    private long startNanos;
    private long startSeq;

    /** Starts a window at {@code nowNanos}, the reader's next seq being {@code seq}. */
    void start(long nowNanos, long seq) {
        measuring = true;
        startNanos = nowNanos;
        startSeq = seq;
    }

    /** The reader caught up: nothing to measure until it falls behind again. */
    public void stop() {
        measuring = false;
    }

    boolean measuring() {
        return measuring;
    }

    long startNanos() {
        return startNanos;
    }

    long startSeq() {
        return startSeq;
    }
}

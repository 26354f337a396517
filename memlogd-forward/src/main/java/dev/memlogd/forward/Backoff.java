package dev.memlogd.forward;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Waits between attempts to reach the collector: doubling from {@value #FIRST_MILLIS} ms up to a
 * cap, each wait drawn between half of that and all of it (jitter: a fleet whose collector came
 * back does not reconnect in step), never less than {@value #FIRST_MILLIS} / 2 ms (never a busy
 * loop). One thread.
 */
final class Backoff {
    static final long FIRST_MILLIS = 100;

    private final long capMillis;
    private long current = FIRST_MILLIS;

    Backoff(long capMillis) {
        this.capMillis = Math.max(FIRST_MILLIS, capMillis);
    }

    /** The next wait, in ms. */
    long next() {
        long wait = current / 2 + ThreadLocalRandom.current().nextLong(current / 2 + 1);
        current = Math.min(capMillis, current * 2);
        return wait;
    }

    /** After a success: the next failure waits little again. */
    void reset() {
        current = FIRST_MILLIS;
    }
}

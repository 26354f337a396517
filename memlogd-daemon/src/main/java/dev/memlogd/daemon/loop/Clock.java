package dev.memlogd.daemon.loop;

import java.time.Instant;

/**
 * Wall-clock time for entries, in ns since the epoch, that never goes backwards.
 *
 * <p>LinuxKit stamps a line when it is read, before it reaches the ring, so ring order is
 * not time order. Entries here are stamped on the event loop thread as they are appended,
 * and a clock step backwards (NTP at boot) is held at the last time given out, so time is
 * monotonic in ring order. Event loop thread only.
 */
public final class Clock {
    private long last;

    public long nowNanos() {
        Instant now = Instant.now();
        long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        if (nanos < last) {
            nanos = last;
        }
        last = nanos;
        return nanos;
    }
}

package dev.memlogd.daemon.loop;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import dev.memlogd.core.ring.LogRing;
import dev.memlogd.core.wire.LinuxKit;

/**
 * The daemon's own entries, source {@code memlogd}, appended to the ring like any line.
 *
 * <p>{@link #report} is rate-limited per kind of problem, so that a sender that repeats the
 * same bad input cannot flood the ring with {@code memlogd} entries and evict everyone else's
 * lines: each kind gets {@link #BURST} messages per {@link #WINDOW_NANOS}; beyond that they are
 * counted, and the next message of that kind says how many were held back.
 * {@link #append} is for the few messages that are not about input (start, stop).
 * Event loop thread only.
 */
public final class OwnLog {
    public static final int BURST = 10;
    public static final long WINDOW_NANOS = 60_000_000_000L;
    private static final byte[] MEMLOGD = LinuxKit.SOURCE_MEMLOGD.getBytes(StandardCharsets.UTF_8);

    private static final class Budget {
        long windowStart;
        int used;
        long suppressed;
    }

    private final Map<String, Budget> budgets = new HashMap<>();
    private final LogRing ring;
    private final Clock clock;
    private final int maxLineLength;
    private final LongSupplier ticker;

    public OwnLog(LogRing ring, Clock clock, int maxLineLength) {
        this(ring, clock, maxLineLength, System::nanoTime);
    }

    /** @param ticker monotonic nanoseconds for the rate limit's window */
    OwnLog(LogRing ring, Clock clock, int maxLineLength, LongSupplier ticker) {
        this.ring = ring;
        this.clock = clock;
        this.maxLineLength = maxLineLength;
        this.ticker = ticker;
    }

    /** Appends {@code message} unless this kind has spoken {@link #BURST} times in the current window. */
    public void report(String kind, String message) {
        long now = ticker.getAsLong();
        Budget budget = budgets.computeIfAbsent(kind, k -> new Budget());
        if (budget.used == 0 || now - budget.windowStart >= WINDOW_NANOS) {
            budget.windowStart = now;
            budget.used = 0;
        }
        if (budget.used >= BURST) {
            budget.suppressed++;
            return;
        }
        budget.used++;
        if (budget.suppressed > 0) {
            message += " (" + budget.suppressed + " earlier messages like this were not logged)";
            budget.suppressed = 0;
        }
        append(message);
    }

    /** Appends {@code message} (cut to {@code -max-line-len} bytes), not rate-limited. */
    public void append(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(bytes.length, maxLineLength);
        ring.append(clock.nowNanos(), MEMLOGD, MEMLOGD.length, ByteBuffer.wrap(bytes), 0, length, 0);
    }
}

package dev.memlogd.daemon;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Rate limit for the daemon's own complaints, per kind of problem, so that a sender that
 * repeats the same bad input cannot flood the ring with {@code memlogd} entries and evict
 * everyone else's lines. Each kind gets {@link #BURST} messages per {@link #WINDOW_NANOS};
 * beyond that they are counted, and the next message of that kind says how many were held back.
 * Event loop thread only.
 */
final class OwnLog {
    static final int BURST = 10;
    static final long WINDOW_NANOS = 60_000_000_000L;

    private static final class Budget {
        long windowStart;
        int used;
        long suppressed;
    }

    private final Map<String, Budget> budgets = new HashMap<>();
    private final Consumer<String> append;

    OwnLog(Consumer<String> append) {
        this.append = append;
    }

    /** Records {@code message} unless this kind has spoken too often lately. */
    void report(String kind, String message) {
        long now = System.nanoTime();
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
        append.accept(message);
    }
}

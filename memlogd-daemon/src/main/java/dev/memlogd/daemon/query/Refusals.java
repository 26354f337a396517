package dev.memlogd.daemon.query;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

import dev.memlogd.daemon.loop.OwnLog;

/**
 * The {@code memlogd} entries about query clients refused, evicted or denied. The first
 * {@link OwnLog#BURST} of a window of {@link OwnLog#WINDOW_NANOS} are written one by one;
 * beyond that they are counted, by reason and by user, and the window's end writes one
 * summary ("refused 3,312 query clients in the last minute beyond the 10 logged: 3,300 no mode
 * byte in time (user nobody 3,300), ..."), so that a flood of connections is neither silent
 * nor able to fill the ring. Event loop thread only.
 */
final class Refusals {
    /** Kinds of reasons a summary counts; each refusal names one. */
    enum Reason {
        SILENT("no mode byte in time"),
        EVICTED("evicted while waiting for their mode byte"),
        TOO_MANY("too many clients"),
        BAD_REQUEST("bad mode or request"),
        DENIED("not allowed to read");

        final String text;

        Reason(String text) {
            this.text = text;
        }
    }

    /** Users named in a summary at most, the others added up. */
    private static final int USERS_NAMED = 5;

    private final OwnLog ownLog;
    private final LongSupplier ticker;
    private final Map<Reason, Map<String, Long>> suppressed = new LinkedHashMap<>();
    private long windowStart;
    private int logged;
    private long suppressedTotal;

    Refusals(OwnLog ownLog, LongSupplier ticker) {
        this.ownLog = ownLog;
        this.ticker = ticker;
    }

    /** Logs one refusal, or counts it when this window's entries are used up. */
    void refused(Reason reason, Peer peer, String message) {
        long now = ticker.getAsLong();
        flushIfDue(now);
        if (logged == 0 && suppressedTotal == 0) {
            windowStart = now;
        }
        if (logged < OwnLog.BURST) {
            logged++;
            ownLog.append("query client (" + peer + ") refused: " + message);
            return;
        }
        suppressedTotal++;
        suppressed.computeIfAbsent(reason, r -> new LinkedHashMap<>()).merge(String.valueOf(peer), 1L, Long::sum);
    }

    /** When the summary of the current window is due ({@link System#nanoTime()}), or {@link Long#MAX_VALUE}. */
    long deadline() {
        return logged == 0 && suppressedTotal == 0 ? Long.MAX_VALUE : windowStart + OwnLog.WINDOW_NANOS;
    }

    /** Writes the summary once the window is over, and starts a new one. */
    void flushIfDue(long nowNanos) {
        if ((logged > 0 || suppressedTotal > 0) && nowNanos - windowStart >= OwnLog.WINDOW_NANOS) {
            if (suppressedTotal > 0) {
                ownLog.append(summary());
            }
            suppressed.clear();
            suppressedTotal = 0;
            logged = 0;
        }
    }

    private String summary() {
        StringBuilder text = new StringBuilder("refused ").append(String.format(Locale.ROOT, "%,d", suppressedTotal))
                .append(" query clients in the last minute beyond the ").append(OwnLog.BURST).append(" logged:");
        String separator = " ";
        for (Map.Entry<Reason, Map<String, Long>> reason : suppressed.entrySet()) {
            long count = reason.getValue().values().stream().mapToLong(Long::longValue).sum();
            text.append(separator).append(String.format(Locale.ROOT, "%,d", count)).append(' ').append(reason.getKey().text)
                    .append(" (");
            int named = 0;
            long others = 0;
            for (Map.Entry<String, Long> user : reason.getValue().entrySet()) {
                if (named++ < USERS_NAMED) {
                    text.append(named > 1 ? ", " : "").append(user.getKey()).append(": ")
                            .append(String.format(Locale.ROOT, "%,d", user.getValue()));
                } else {
                    others += user.getValue();
                }
            }
            text.append(others > 0 ? ", others: " + String.format(Locale.ROOT, "%,d", others) : "").append(')');
            separator = "; ";
        }
        return text.toString();
    }
}

package dev.memlogd.logread.bundle;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The most severe lines seen, at most {@code capacity} of them, for the top of the bundle's
 * page: most severe level first; at one level, lines whose level is known (kernel records,
 * {@code -syslog-prefix} sources) before lines guessed from a failure word; then the latest,
 * since what went wrong last is usually what the bundle was made for. Counts every notable line by level, kept or not.
 * Memory is bounded by the capacity and {@link #MAX_MESSAGE_CHARS}. Not thread-safe.
 */
final class Highlights {
    /** A message is cut to this many characters on the page; the source's file has it whole. */
    static final int MAX_MESSAGE_CHARS = 500;

    /** One kept line. {@code order} is its position in the bundle's reading order. */
    record Line(int level, boolean levelKnown, long order, String time, String source, String file, String msg) {
    }

    /** Best first: lower level (more severe), a known level, then later. */
    static final Comparator<Line> BEST_FIRST = Comparator.comparingInt(Line::level)
            .thenComparing(line -> !line.levelKnown())
            .thenComparing(Comparator.comparingLong(Line::order).reversed());

    private final int capacity;
    /** Worst kept line at the head, the one to drop for a better one. */
    private final PriorityQueue<Line> kept;
    private final long[] byLevel = new long[8];
    private long order;

    Highlights(int capacity) {
        this.capacity = capacity;
        this.kept = new PriorityQueue<>(Math.max(1, capacity), BEST_FIRST.reversed());
    }

    /**
     * Offers a line; only notable ones ({@link Severity#notable}) are counted and may be kept.
     *
     * @param pri the entry's syslog priority, -1 when unknown
     */
    void offer(int pri, String time, String source, String file, String msg) {
        long position = order++;
        int level = Severity.of(pri, msg);
        if (!Severity.notable(level)) {
            return;
        }
        byLevel[level]++;
        if (capacity == 0) {
            return;
        }
        Line candidate = new Line(level, pri >= 0, position, time, source, file, msg);
        if (kept.size() == capacity && BEST_FIRST.compare(candidate, kept.peek()) >= 0) {
            return;
        }
        String shown = msg.length() <= MAX_MESSAGE_CHARS ? msg : msg.substring(0, MAX_MESSAGE_CHARS) + "…";
        kept.add(new Line(level, pri >= 0, position, time, source, file, shown));
        if (kept.size() > capacity) {
            kept.poll();
        }
    }

    /** The kept lines, most severe and latest first. */
    List<Line> lines() {
        List<Line> lines = new ArrayList<>(kept);
        lines.sort(BEST_FIRST);
        return lines;
    }

    /** Notable lines seen, by level (0-7; levels above warning stay 0). */
    long[] countsByLevel() {
        return byLevel.clone();
    }
}

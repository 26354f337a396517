package dev.memlogd.logread.bundle;

import java.util.ArrayList;
import java.util.List;

/**
 * Lines per interval for every source on one shared time axis, in bounded memory whatever
 * the span: {@link #BUCKETS} buckets per source, each {@code width} seconds wide, the first
 * starting at {@code origin}. Both are multiples of the width, so when an entry falls outside
 * the axis the width doubles and every pair of buckets merges exactly, at any end of the axis
 * (a log directory's history comes before the ring, and clocks jump). Not thread-safe.
 */
final class Timeline {
    static final int BUCKETS = 120;

    private final List<int[]> rows = new ArrayList<>();
    private long origin;
    private long width = 1;
    private boolean started;

    /** A new source's row of counts; it follows every later rescale. */
    int[] newRow() {
        int[] row = new int[BUCKETS];
        rows.add(row);
        return row;
    }

    /** Counts one line at {@code epochSecond} in {@code row}. */
    void count(int[] row, long epochSecond) {
        row[bucket(epochSecond)]++;
    }

    /** The bucket of {@code epochSecond}, widening the axis first if it lies outside. */
    int bucket(long epochSecond) {
        if (!started) {
            started = true;
            origin = epochSecond;
        }
        while (epochSecond < origin || epochSecond >= end()) {
            widen(epochSecond);
        }
        return (int) ((epochSecond - origin) / width);
    }

    long origin() {
        return origin;
    }

    long width() {
        return width;
    }

    /** The last bucket that holds a count, + 1 (0 when nothing was counted): the axis worth drawing. */
    int usedBuckets() {
        int used = 0;
        for (int[] row : rows) {
            for (int i = BUCKETS - 1; i >= used; i--) {
                if (row[i] != 0) {
                    used = i + 1;
                    break;
                }
            }
        }
        return used;
    }

    private long end() {
        return origin + BUCKETS * width;
    }

    private void widen(long epochSecond) {
        long low = Math.min(origin, epochSecond);
        long high = Math.max(end() - 1, epochSecond);
        long newWidth = width;
        long newOrigin;
        do {
            newWidth *= 2;
            newOrigin = Math.floorDiv(low, newWidth) * newWidth;
        } while (high >= newOrigin + BUCKETS * newWidth);
        for (int[] row : rows) {
            int[] old = row.clone();
            java.util.Arrays.fill(row, 0);
            for (int i = 0; i < BUCKETS; i++) {
                if (old[i] != 0) {
                    row[(int) ((origin + i * width - newOrigin) / newWidth)] += old[i];
                }
            }
        }
        origin = newOrigin;
        width = newWidth;
    }
}

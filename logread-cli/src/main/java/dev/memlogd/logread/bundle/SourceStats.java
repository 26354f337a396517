package dev.memlogd.logread.bundle;

/**
 * What the bundle counts of one source while its lines stream past: lines and bytes (from the
 * log directory's history and from the ring), first and last time, cut lines, lines by level,
 * and its row on the {@link Timeline}. Bounded: a fixed set of numbers per source. Not
 * thread-safe.
 */
final class SourceStats {
    String name;
    /** The source's file in the bundle, relative to the bundle's top directory. */
    final String file;
    final int[] timeline;
    long historyLines;
    long ringLines;
    long bytes;
    long truncated;
    final long[] levels = new long[8];
    String firstTime;
    String lastTime;
    long firstSeq = -1;
    long lastSeq = -1;

    SourceStats(String name, String file, int[] timeline) {
        this.name = name;
        this.file = file;
        this.timeline = timeline;
    }

    long lines() {
        return historyLines + ringLines;
    }

    void time(String time) {
        if (firstTime == null) {
            firstTime = time;
        }
        lastTime = time;
    }

    void seq(long seq) {
        if (seq < 0) {
            return;
        }
        if (firstSeq < 0) {
            firstSeq = seq;
        }
        lastSeq = seq;
    }
}

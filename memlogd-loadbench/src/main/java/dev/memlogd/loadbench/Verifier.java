package dev.memlogd.loadbench;

import java.util.Arrays;
import java.util.BitSet;

/**
 * Checks the lines a follower receives against what the bench wrote: every source's lines must
 * arrive in order, once each and intact. Lines not received (yet) are {@link #missing()}: the
 * caller decides when the run is over, and so whether they are lost or still in flight.
 * Also records each line's latency (receive time minus the write time it carries).
 *
 * <p>One thread feeds it; read the results after that thread is joined.
 */
final class Verifier {
    private final int sources;
    private final int linesPerSource;
    private final int lineBytes;
    private final BitSet seen;
    private final long[] lastSeq;
    private final long[] latencies;
    private int latencyCount;
    private long received;
    private long duplicates;
    private long outOfOrder;
    private long corrupt;

    Verifier(int sources, int linesPerSource, int lineBytes) {
        this.sources = sources;
        this.linesPerSource = linesPerSource;
        this.lineBytes = lineBytes;
        this.seen = new BitSet(Math.multiplyExact(sources, linesPerSource));
        this.lastSeq = new long[sources];
        Arrays.fill(lastSeq, -1);
        this.latencies = new long[sources * linesPerSource];
    }

    /** The source name the bench gives source {@code index}. */
    static String sourceName(int index) {
        return "lb" + index;
    }

    /** One entry of a bench source, received at {@code nowNanos} (the bench's clock). */
    void accept(String source, String msg, long nowNanos) {
        LineFormat.Fields f = LineFormat.parse(msg, lineBytes);
        if (f == null || f.source() >= sources || f.seq() >= linesPerSource
                || !source.equals(sourceName(f.source()))) {
            corrupt++;
            return;
        }
        int bit = f.source() * linesPerSource + (int) f.seq();
        if (seen.get(bit)) {
            duplicates++;
            return;
        }
        seen.set(bit);
        received++;
        if (f.seq() < lastSeq[f.source()]) {
            outOfOrder++;
        } else {
            lastSeq[f.source()] = f.seq();
        }
        latencies[latencyCount++] = nowNanos - f.writeNanos();
    }

    long expected() {
        return (long) sources * linesPerSource;
    }

    long received() {
        return received;
    }

    /** Lines written and not received: lost, or still in flight if the run is not over. */
    long missing() {
        return expected() - received;
    }

    long duplicates() {
        return duplicates;
    }

    long outOfOrder() {
        return outOfOrder;
    }

    long corrupt() {
        return corrupt;
    }

    /** Latency percentiles {@code ps} (each 0..100) in nanoseconds over the lines received; -1 when none. */
    long[] latencyPercentiles(double... ps) {
        long[] sorted = Arrays.copyOf(latencies, latencyCount);
        Arrays.sort(sorted);
        long[] result = new long[ps.length];
        for (int i = 0; i < ps.length; i++) {
            int index = (int) Math.ceil(ps[i] / 100 * latencyCount) - 1;
            result[i] = latencyCount == 0 ? -1 : sorted[Math.max(0, Math.min(latencyCount - 1, index))];
        }
        return result;
    }
}

package dev.memlogd.loadbench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The producers: {@code W} threads, writer {@code w} writing sources {@code w, w+W, ...}, line
 * by line in sequence order, round-robin over its sources, each line stamped when written.
 * <ul>
 * <li>Unthrottled ({@code rate == 0}): up to 4 KiB of whole lines per write(2), so that the
 *     producers are not the bottleneck (a line per write costs the writer a syscall a line).</li>
 * <li>Paced: one line per write(2), the writers together at {@code rate} lines/s.</li>
 * </ul>
 * Every sink is closed at the end, so the daemon sees EOF.
 */
final class Writers {
    static final int BATCH_BYTES = 4096;

    /** Nanoseconds since the bench started: the time base of the lines (non-negative). */
    static final long BASE = System.nanoTime();

    private Writers() {
    }

    /** Writes {@code lines} lines per sink and closes them; returns when every writer is done. */
    static void run(List<BenchSources.Sink> sinks, int writers, int lines, int lineBytes, double rate)
            throws IOException, InterruptedException {
        AtomicReference<IOException> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        int count = Math.min(writers, sinks.size());
        for (int w = 0; w < count; w++) {
            int first = w;
            Thread t = new Thread(() -> {
                try {
                    write(sinks, first, count, lines, lineBytes, rate);
                } catch (IOException e) {
                    failure.compareAndSet(null, e);
                }
            }, "writer-" + w);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    private static void write(List<BenchSources.Sink> sinks, int first, int step, int lines, int lineBytes, double rate)
            throws IOException {
        int mine = (sinks.size() - first + step - 1) / step;
        int batch = rate > 0 ? 1 : Math.max(1, BATCH_BYTES / lineBytes);
        // Paced: this writer's share of the rate is proportional to its share of the sources.
        double interval = rate > 0 ? 1e9 * sinks.size() / (rate * mine) : 0;
        byte[] buffer = new byte[batch * lineBytes];
        long start = System.nanoTime();
        long k = 0;
        try {
            for (long seq = 0; seq < lines; seq += batch) {
                int n = (int) Math.min(batch, lines - seq);
                for (int s = first; s < sinks.size(); s += step) {
                    if (rate > 0) {
                        long wait = start + (long) (k++ * interval) - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                    }
                    long now = System.nanoTime() - BASE;
                    int end = 0;
                    for (int i = 0; i < n; i++) {
                        end = LineFormat.encode(buffer, end, s, seq + i, now, lineBytes);
                    }
                    sinks.get(s).write(buffer, 0, end);
                }
            }
        } finally {
            for (int s = first; s < sinks.size(); s += step) {
                sinks.get(s).close();
            }
        }
    }
}

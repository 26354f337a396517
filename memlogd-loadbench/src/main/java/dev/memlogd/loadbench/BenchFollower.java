package dev.memlogd.loadbench;

import java.io.IOException;
import java.nio.file.Path;

import dev.memlogd.core.client.QueryClient;
import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.core.wire.EntryJsonParser;

/**
 * A dump-then-follow reader (mode 2) on its own thread: every bench entry goes to a
 * {@link Verifier}; memlogd's own entries are counted; its notices' {@code "lost"} fields are
 * added up, and so are the gaps in the daemon's {@code seq}, which the notices must explain.
 */
final class BenchFollower {
    private final QueryClient client;
    private final Verifier verifier;
    private final Thread thread;
    private volatile long entries; // every entry with a seq: progress, read by other threads
    private volatile long benchEntries; // entries of the bench's sources
    private volatile long lastBenchNanos; // when the last of those arrived
    private long noticeLost;
    private long seqGaps;
    private long ownEntries;
    private long unparsable;
    private long lastSeq = -1;
    private volatile IOException failure;

    private BenchFollower(QueryClient client, Verifier verifier) {
        this.client = client;
        this.verifier = verifier;
        this.thread = new Thread(this::run, "follower");
    }

    /** memlogd's newest entry's seq (0 when the ring is empty): a mode-3 dump of the last entry. */
    static long newestSeq(Path querySocket) throws IOException {
        try (QueryClient client = QueryClient.open(querySocket,
                new dev.memlogd.core.wire.QueryRequest(true, false, -1, 1, java.util.List.of()))) {
            long seq = 0;
            for (String line = client.readLine(); line != null; line = client.readLine()) {
                seq = Math.max(seq, EntryJsonParser.parse(line).seq());
            }
            return seq;
        }
    }

    static BenchFollower start(Path querySocket, Verifier verifier) throws IOException {
        BenchFollower f = new BenchFollower(QueryClient.open(querySocket, LinuxKit.MODE_DUMP_FOLLOW), verifier);
        f.thread.start();
        return f;
    }

    private void run() {
        try {
            for (String line = client.readLine(); line != null; line = client.readLine()) {
                long now = System.nanoTime();
                LogEntry e;
                try {
                    e = EntryJsonParser.parse(line);
                } catch (IllegalArgumentException bad) {
                    unparsable++;
                    continue;
                }
                if (e.seq() < 0) { // a notice: not in the ring
                    noticeLost += Math.max(0, e.lost());
                    continue;
                }
                if (lastSeq >= 0 && e.seq() > lastSeq + 1) {
                    seqGaps += e.seq() - lastSeq - 1;
                }
                lastSeq = Math.max(lastSeq, e.seq());
                if (e.source().equals("memlogd")) {
                    ownEntries++;
                } else {
                    verifier.accept(e.source(), e.msg(), now - Writers.BASE); // the lines' time base
                    lastBenchNanos = now;
                    benchEntries++;
                }
                entries++;
            }
        } catch (IOException e) {
            failure = e; // expected when stop() closes the connection
        }
    }

    /** Entries received so far (any thread). */
    long progress() {
        return entries;
    }

    /** Entries of the bench's sources received so far (any thread). */
    long benchEntries() {
        return benchEntries;
    }

    /** When the last of those arrived (System.nanoTime), 0 before the first. */
    long lastBenchNanos() {
        return lastBenchNanos;
    }

    /** Closes the connection and waits for the thread; the counters below are then final. */
    void stop() throws IOException, InterruptedException {
        client.close();
        thread.join();
    }

    long noticeLost() {
        return noticeLost;
    }

    long seqGaps() {
        return seqGaps;
    }

    long ownEntries() {
        return ownEntries;
    }

    long unparsable() {
        return unparsable;
    }

    IOException failure() {
        return failure;
    }
}

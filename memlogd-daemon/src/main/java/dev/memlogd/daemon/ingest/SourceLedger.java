package dev.memlogd.daemon.ingest;

import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The sources a statistics request reports: every source open now, and the last
 * {@code -stats-closed-sources} closed ones (older closed sources are forgotten, and counted,
 * so that a machine that starts a process a second for months holds bounded memory). A closed
 * source keeps only its counters: its buffers are gone with its fd. Event loop thread only.
 */
public final class SourceLedger {
    private final Set<Source> open = new LinkedHashSet<>();
    private final ArrayDeque<Source> closed = new ArrayDeque<>();
    private final int maxClosed;
    private long forgotten;

    /** @param maxClosed closed sources remembered at most */
    public SourceLedger(int maxClosed) {
        this.maxClosed = maxClosed;
    }

    void opened(Source source) {
        open.add(source);
    }

    void closed(Source source) {
        if (!open.remove(source)) {
            return;
        }
        if (maxClosed == 0) {
            forgotten++;
            return;
        }
        if (closed.size() == maxClosed) {
            closed.poll();
            forgotten++;
        }
        closed.add(source);
    }

    /** Each open source, then each remembered closed one, oldest first. */
    public void forEach(Consumer<Source> action) {
        open.forEach(action);
        closed.forEach(action);
    }

    /** Closed sources no longer remembered. */
    public long forgotten() {
        return forgotten;
    }
}

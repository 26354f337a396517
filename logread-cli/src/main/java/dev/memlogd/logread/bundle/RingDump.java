package dev.memlogd.logread.bundle;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import dev.memlogd.core.client.ExtendedQuery;
import dev.memlogd.core.client.QueryClient;
import dev.memlogd.core.wire.EntryJsonParser;
import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.core.wire.QueryRequest;

/**
 * The ring's entries, once, from our memlogd or LinuxKit's. It asks ours for a dump that
 * starts with the daemon's identity (mode 3); LinuxKit's memlogd never answers mode 3, so when
 * nothing comes within the probe time it dumps with LinuxKit's mode 0 instead, and
 * {@link #daemon()} is null. Not thread-safe.
 */
final class RingDump implements AutoCloseable {
    private final QueryClient client;
    private final String daemon;
    private LogEntry pending;

    private RingDump(QueryClient client, String daemon, LogEntry pending) {
        this.client = client;
        this.daemon = daemon;
        this.pending = pending;
    }

    static RingDump open(Path socket, long probeMillis) throws IOException {
        ExtendedQuery.Answer answer = ExtendedQuery.send(socket,
                new QueryRequest(true, false, -1, -1, List.of(), true, null), probeMillis);
        if (answer == null) {
            // No answer in time: LinuxKit's memlogd. Mode 0 works on both daemons, so this is
            // also right for one of ours that was merely slow.
            return new RingDump(QueryClient.open(socket, LinuxKit.MODE_DUMP), null, null);
        }
        if (answer.firstLine() == null) {
            return new RingDump(answer.client(), null, null);
        }
        LogEntry entry = EntryJsonParser.parse(answer.firstLine());
        return entry.daemon() != null ? new RingDump(answer.client(), entry.daemon(), null)
                : new RingDump(answer.client(), null, entry);
    }

    /** The daemon's identity; null for LinuxKit's memlogd, which has none. */
    String daemon() {
        return daemon;
    }

    /**
     * The next entry, or null at the end of the dump.
     *
     * @throws IllegalArgumentException when the daemon sent a line that is not an entry
     */
    LogEntry next() throws IOException {
        if (pending != null) {
            LogEntry e = pending;
            pending = null;
            return e;
        }
        String line = client.readLine();
        return line == null ? null : EntryJsonParser.parse(line);
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}

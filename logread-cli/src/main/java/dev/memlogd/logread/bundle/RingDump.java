package dev.memlogd.logread.bundle;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

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
        QueryClient client = QueryClient.open(socket,
                new QueryRequest(true, false, -1, -1, List.of(), true, null));
        String first;
        Probe probe = new Probe(client);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bundle-probe");
            t.setDaemon(true);
            return t;
        });
        try {
            timer.schedule(probe::giveUp, probeMillis, TimeUnit.MILLISECONDS);
            try {
                first = client.readLine();
            } catch (AsynchronousCloseException e) {
                first = null;
            }
            if (!probe.answered()) {
                // No answer in time: LinuxKit's memlogd, which hangs on mode 3. Mode 0 works on
                // both daemons, so this is also right for one of ours that was merely slow.
                client.close();
                return new RingDump(QueryClient.open(socket, LinuxKit.MODE_DUMP), null, null);
            }
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        } finally {
            timer.shutdownNow();
        }
        if (first == null) {
            return new RingDump(client, null, null);
        }
        LogEntry entry = EntryJsonParser.parse(first);
        return entry.daemon() != null ? new RingDump(client, entry.daemon(), null)
                : new RingDump(client, null, entry);
    }

    /** Closes the probe's connection unless the daemon answered first; exactly one of the two wins. */
    private static final class Probe {
        private final QueryClient client;
        private boolean answered;
        private boolean gaveUp;

        Probe(QueryClient client) {
            this.client = client;
        }

        synchronized void giveUp() {
            if (!answered) {
                gaveUp = true;
                try {
                    client.close();
                } catch (IOException e) {
                    // closing a socket channel does not fail in a way that matters here
                }
            }
        }

        /** Called once the first read returned: whether it counts as an answer. */
        synchronized boolean answered() {
            answered = !gaveUp;
            return answered;
        }
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

package dev.memlogd.core.client;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.memlogd.core.wire.QueryRequest;

/**
 * Our extended query (mode 3) sent to a daemon that may be LinuxKit's, which never answers it
 * (its memlogd hangs on a mode it does not know): the first line is awaited for at most a
 * probe time, and no answer in time means "not ours". For clients that read an answer at once
 * (a dump with identity, statistics); a follower that may legitimately wait long for its
 * first entry asks for {@code identity}, which comes first at once.
 */
public final class ExtendedQuery {
    private ExtendedQuery() {
    }

    /** An open query and its first line (null when the daemon closed without a line). */
    public record Answer(QueryClient client, String firstLine) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            client.close();
        }
    }

    /**
     * Sends {@code request} and waits up to {@code probeMillis} for the first line.
     *
     * @return the open query and its first line, or null when nothing came in time (the
     *         connection is then closed)
     * @throws NoDaemonException when nobody can be reached at {@code socket}
     */
    public static Answer send(Path socket, QueryRequest request, long probeMillis) throws IOException {
        QueryClient client = QueryClient.open(socket, request);
        Probe probe = new Probe(client);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "memlogd-probe");
            t.setDaemon(true);
            return t;
        });
        try {
            timer.schedule(probe::giveUp, probeMillis, TimeUnit.MILLISECONDS);
            String first;
            try {
                first = client.readLine();
            } catch (AsynchronousCloseException e) {
                first = null;
            }
            if (!probe.answered()) {
                client.close();
                return null;
            }
            return new Answer(client, first);
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        } finally {
            timer.shutdownNow();
        }
    }

    /** Closes the connection unless the daemon answered first; exactly one of the two wins. */
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
}

package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.memlogd.core.client.QueryClient;
import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.testkit.Await;

/**
 * Out of fds on accept: EMFILE leaves the listening socket readable, so a daemon that retried
 * at once would spin. It pauses accepting for a second, says so in its log, and accepts again
 * once fds are free. The daemon shares its fd limit at start so that its own clients never use
 * it up (docs/reliability.md); here the limit is lowered under the running daemon
 * ({@code prlimit}) to just above the fds it holds, as fds it did not plan for would.
 */
@ExtendWith(DaemonOutputOnFailure.class)
class AcceptOutOfFdsTest {
    private static final int LIMIT = 200;

    private static void lowerFdLimit(DaemonProcess daemon, int limit) throws Exception {
        Process prlimit = new ProcessBuilder("prlimit", "--pid", Long.toString(daemon.pid()),
                "--nofile=" + limit + ":" + limit).inheritIO().start();
        assertEquals(0, prlimit.waitFor(), "prlimit's exit code");
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void acceptPausesWhenOutOfFdsSaysSoAndServesClientsAgainOnceFdsAreFree() throws Exception {
        List<QueryClient> clients = new ArrayList<>();
        try (DaemonProcess daemon = DaemonProcess.startInShell("ulimit -n " + LIMIT)) {
            assertEquals(LIMIT, daemon.maxOpenFiles());
            try {
                int held = daemon.settledOpenFds().size();
                lowerFdLimit(daemon, held + 4);
                // More than the daemon can hold now; those it cannot accept wait in the listen backlog.
                for (int i = 0; i < 10; i++) {
                    clients.add(QueryClient.open(daemon.querySocket(), LinuxKit.MODE_FOLLOW));
                }
                Await.await(() -> daemon.openFdCount() >= held + 3, "the daemon at its fd limit");
                // Clients wait in the backlog, so the socket stays readable: only the pause keeps
                // the loop from spinning on accept. A quiet second within the deadline shows it.
                Await.awaitValue(daemon::cpuTicksPerSecond, ticks -> ticks < 20, Duration.ofSeconds(10),
                        "a 1 s window in which the daemon at its fd limit uses < 20 CPU ticks");
            } finally {
                for (QueryClient client : clients) {
                    client.close();
                }
            }

            LogEntry pause = daemon.awaitOwnMessage("cannot accept query clients", "retrying in 1 s");

            assertTrue(pause.msg().contains("Too many open files"), pause.msg());
        }
    }
}

package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.memlogd.core.client.QueryClient;
import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.core.wire.EntryJsonParser;

/** Init stops memlogd with SIGTERM at shutdown; unlike LinuxKit's, ours removes its socket files. */
class SigtermTest extends DaemonPerTest {
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void sigtermStopsTheDaemonWithExitCodeZeroAndRemovesBothSocketFiles() throws Exception {
        daemon.sigterm();

        // `memlogd --help`, "Exit codes": "0: stopped by SIGTERM, or started in the background"
        // (a JVM killed by SIGTERM exits 143 unless it says otherwise).
        assertStoppedCleanly("SIGTERM");
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void sigintStopsTheDaemonAsSigtermDoes() throws Exception {
        daemon.sigint();

        assertStoppedCleanly("SIGINT");
    }

    private void assertStoppedCleanly(String signal) throws InterruptedException {
        assertEquals(0, daemon.awaitExit(Duration.ofSeconds(10)), "exit code after " + signal);
        assertFalse(Files.exists(daemon.logSocket(), LinkOption.NOFOLLOW_LINKS), "log socket file left behind");
        assertFalse(Files.exists(daemon.querySocket(), LinkOption.NOFOLLOW_LINKS), "query socket file left behind");
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void sigtermSendsFollowersAStoppingEntryThenClosesTheirConnection() throws Exception {
        try (QueryClient follower = QueryClient.open(daemon.querySocket(), LinuxKit.MODE_DUMP_FOLLOW)) {
            // Mode 2 registers the follower before dumping: once a line arrives, it follows.
            assertNotNull(follower.readLine(), "the dump's first line");

            daemon.sigterm();
            List<LogEntry> rest = new ArrayList<>();
            for (String line = follower.readLine(); line != null; line = follower.readLine()) {
                rest.add(EntryJsonParser.parse(line));
            }

            LogEntry last = rest.get(rest.size() - 1);
            assertEquals(LinuxKit.SOURCE_MEMLOGD, last.source(), rest::toString);
            assertEquals("memlogd stopping", last.msg(), rest::toString);
            assertEquals(0, daemon.awaitExit(Duration.ofSeconds(10)));
        }
    }
}

package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.memlogd.core.client.QueryClient;
import dev.memlogd.core.wire.EntryJsonParser;
import dev.memlogd.core.wire.JsonTree;
import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.e2e.Sources.Source;

/**
 * {@code logread --stats} against the real daemon: per source what was written, cut, held and
 * evicted, open and closed sources, and the entries a lapped reader lost, as a table and as
 * the daemon's JSON.
 */
@ExtendWith(DaemonOutputOnFailure.class)
class StatsTest {
    private DaemonProcess daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> source(Map<String, Object> stats, String name) {
        return ((List<Map<String, Object>>) stats.get("sources")).stream().filter(s -> s.get("name").equals(name))
                .findFirst().orElseThrow(() -> new AssertionError(name + " in " + stats));
    }

    @Test
    @Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    @SuppressWarnings("unchecked")
    void statisticsCountWhatEachSourceWroteAndWhatALappedReaderLost() throws Exception {
        // -client-wait 0: no reader holds ingest, so one that stops reading is lapped (LinuxKit's way).
        daemon = DaemonProcess.start("-max-lines", "50", "-max-line-len", "100", "-client-wait", "0");
        try (Source boot = Sources.socketpair(daemon.logSocket(), "onboot.001-boot")) {
            boot.println("one").println("two").println("three");
        }
        try (Source web = Sources.socketpair(daemon.logSocket(), "web.out");
                QueryClient slow = QueryClient.open(daemon.querySocket(), LinuxKit.MODE_FOLLOW)) {
            web.println("x".repeat(300));
            for (int i = 0; i < 2000; i++) {
                web.println("web line " + i + " " + "y".repeat(60));
            }
            daemon.awaitEntry("web.out", "web line 1999 " + "y".repeat(60));
            // The reader catches up only now: it is told what it missed.
            long lost = 0;
            while (lost == 0) {
                LogEntry entry = EntryJsonParser.parse(slow.readLine());
                lost = Math.max(0, entry.lost());
            }

            Logread.Result json = Logread.run("-socket", daemon.querySocket().toString(), "--stats", "-o", "json");
            assertEquals(0, json.exitCode(), json::describe);
            Map<String, Object> stats = (Map<String, Object>) JsonTree.parse(json.lines().get(0));
            Map<String, Object> bootStats = source(stats, "onboot.001-boot");
            assertEquals(3L, bootStats.get("lines"));
            assertEquals(0L, bootStats.get("open"));
            assertEquals(3L, bootStats.get("evicted"), "the flood evicted the boot lines");
            Map<String, Object> webStats = source(stats, "web.out");
            assertEquals(2001L, webStats.get("lines"));
            assertEquals(1L, webStats.get("truncated"));
            assertEquals(1L, webStats.get("open"));
            assertEquals("socket", webStats.get("kind"));
            long held = (Long) webStats.get("in_ring");
            assertEquals(2001L - held, webStats.get("evicted"));
            Map<String, Object> totals = (Map<String, Object>) stats.get("totals");
            assertTrue((Long) totals.get("lost_by_lapped_readers") >= lost,
                    "the reader's loss counted: " + totals + " >= " + lost);

            Logread.Result table = Logread.run("-socket", daemon.querySocket().toString(), "--stats");
            assertEquals(0, table.exitCode(), table::describe);
            String text = new String(table.stdout(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(text.lines().anyMatch(l -> l.matches("onboot\\.001-boot +socket +closed +3 .*")), text);
            assertTrue(text.lines().anyMatch(l -> l.matches("web\\.out +socket +open +2,001 .*")), text);
            assertTrue(text.contains("READER"), "the readers listed:\n" + text);
        }
    }
}

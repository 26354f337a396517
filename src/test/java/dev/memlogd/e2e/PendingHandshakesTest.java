package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.memlogd.core.wire.EntryJsonParser;
import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.testkit.Await;

/**
 * Connections that never send their mode byte (issue 11, item 3): 64 of them locked every
 * query client out for {@code -mode-timeout}, renewable for ever by reconnecting. Here the
 * timeout is a minute, longer than any test waits, so only eviction can let a client in.
 */
@ExtendWith(DaemonOutputOnFailure.class)
class PendingHandshakesTest {
    private DaemonProcess daemon;
    private final List<RawQuery> silent = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        try {
            Sources.closeAll(silent);
        } finally {
            if (daemon != null) {
                daemon.close();
            }
        }
    }

    /** Opens {@code count} connections that send nothing, and waits until the daemon has accepted them all. */
    private void openSilent(int count) throws Exception {
        SortedMap<Integer, String> before = daemon.settledOpenFds();
        for (int i = 0; i < count; i++) {
            silent.add(RawQuery.connect(daemon.querySocket()));
        }
        // Eviction closes some of them again: accepted is "no longer in the listen backlog",
        // which the next client's answer shows; the fds only show the daemon is at work.
        Await.await(() -> daemon.openFds().size() > before.size(), "the daemon accepts the silent connections");
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void silentConnectionsFillingThePendingTableDoNotLockOutTheNextClient() throws Exception {
        daemon = DaemonProcess.start("-mode-timeout", "60000");
        openSilent(64);

        List<LogEntry> dump = daemon.dumpWithin(Duration.ofSeconds(10));

        assertNotNull(DaemonProcess.ownMessage(dump, "started"), dump::toString);
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aUsersOldestSilentConnectionIsClosedWithANoticeOnceItHasTooManyPending() throws Exception {
        daemon = DaemonProcess.start("-mode-timeout", "60000", "-max-pending-per-uid", "4");
        openSilent(5);

        byte[] received = silent.get(0).readToEnd(); // returns at the daemon's close

        List<LogEntry> notices = new String(received, StandardCharsets.UTF_8).lines().map(EntryJsonParser::parse)
                .toList();
        assertEquals(1, notices.size(), () -> new String(received, StandardCharsets.UTF_8));
        assertTrue(notices.get(0).msg().contains("-max-pending-per-uid 4"), notices.get(0)::msg);
        daemon.awaitOwnMessage("refused", "closed while still waiting for its mode byte", "user root");
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void oldestSilentConnectionIsClosedWhenThePendingTableIsFull() throws Exception {
        daemon = DaemonProcess.start("-mode-timeout", "60000", "-max-pending", "3");
        openSilent(4);

        byte[] received = silent.get(0).readToEnd();

        assertTrue(new String(received, StandardCharsets.UTF_8).contains("-max-pending 3"),
                new String(received, StandardCharsets.UTF_8));
    }
}

package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.memlogd.core.client.QueryClient;
import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.core.wire.EntryJsonParser;
import dev.memlogd.e2e.Sources.Source;

/**
 * A follower (mode 1) that stops reading while a producer writes far more than the ring
 * ({@code -max-lines 50}), its output buffer ({@code -client-buffer 16384}) and its socket hold.
 * Ingest waits {@code -client-wait 100} ms for it, then goes on and laps it. LinuxKit drops
 * such lines silently; memlogd must say how many were lost.
 */
@ExtendWith(DaemonOutputOnFailure.class)
class SlowFollowerTest {
    private static final int FLOOD = 50_000;

    private DaemonProcess daemon;

    @BeforeEach
    void startDaemon() throws Exception {
        daemon = DaemonProcess.start("-max-lines", "50", "-client-buffer", "16384", "-client-wait", "100");
    }

    @AfterEach
    void stopDaemon() {
        daemon.close();
    }

    /**
     * Returns once {@code follower} is registered: a thread writes probe lines (one per
     * 10 ms, pacing only) until the follower has received one.
     */
    private LogEntry awaitFollowing(QueryClient follower) throws Exception {
        try (Source probe = Sources.socketpair(daemon.logSocket(), "probe")) {
            AtomicBoolean seen = new AtomicBoolean();
            Thread prober = new Thread(() -> {
                try {
                    for (int i = 0; !seen.get(); i++) {
                        probe.println("probe " + i);
                        LockSupport.parkNanos(10_000_000L);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, "prober");
            prober.start();
            try {
                String first = follower.readLine();
                assertNotNull(first, "follower closed before any line");
                return EntryJsonParser.parse(first);
            } finally {
                seen.set(true);
                prober.join();
            }
        }
    }

    /**
     * Floods while {@code follower} does not read, then reads it up to the flood's last line.
     *
     * @return every line the follower received, from the first probe on
     */
    private List<LogEntry> floodThenRead(QueryClient follower) throws Exception {
        List<LogEntry> received = new ArrayList<>();
        received.add(awaitFollowing(follower));
        try (Source source = Sources.socketpair(daemon.logSocket(), "flood")) {
            StringBuilder chunk = new StringBuilder();
            for (int i = 0; i < FLOOD; i++) {
                chunk.append("flood line ").append(i).append('\n');
                if (chunk.length() > 60_000) {
                    source.write(chunk.toString().getBytes(StandardCharsets.US_ASCII));
                    chunk.setLength(0);
                }
            }
            source.write(chunk.toString().getBytes(StandardCharsets.US_ASCII));
            source.println("flood done");
            daemon.awaitEntry("flood", "flood done");
        }
        for (String line = follower.readLine(); line != null; line = follower.readLine()) {
            LogEntry entry = EntryJsonParser.parse(line);
            received.add(entry);
            if (entry.msg().equals("flood done")) {
                return received;
            }
        }
        throw new AssertionError("follower closed before 'flood done'; got " + received.size() + " lines");
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void followerThatFallsBehindGetsANoticeWithLostCountThenLaterEntries() throws Exception {
        try (QueryClient follower = QueryClient.open(daemon.querySocket(), LinuxKit.MODE_FOLLOW)) {

            List<LogEntry> received = floodThenRead(follower);

            int notice = -1;
            for (int i = 0; i < received.size() && notice < 0; i++) {
                LogEntry e = received.get(i);
                if (e.source().equals(LinuxKit.SOURCE_MEMLOGD) && e.seq() < 0 && e.lost() > 0) {
                    notice = i;
                }
            }
            assertTrue(notice >= 0, () -> "no notice with lost > 0 among " + received.size() + " lines");
            List<LogEntry> after = received.subList(notice + 1, received.size());
            assertTrue(after.stream().anyMatch(e -> e.source().equals("flood")), "flood lines after the notice");
            for (int i = 1; i < after.size(); i++) {
                assertTrue(after.get(i).seq() < 0 || after.get(i).seq() > after.get(i - 1).seq(),
                        "entries after the notice go forward: " + after.get(i - 1) + " then " + after.get(i));
            }
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyEntryTheFollowerDidNotGetIsCountedInANotice() throws Exception {
        try (QueryClient follower = QueryClient.open(daemon.querySocket(), LinuxKit.MODE_FOLLOW)) {

            List<LogEntry> received = floodThenRead(follower);

            // From the first entry received to the last, each seq was either sent or counted as lost.
            long first = received.get(0).seq();
            long last = received.get(received.size() - 1).seq();
            long sent = received.stream().filter(e -> e.seq() >= 0).count();
            long lost = received.stream().filter(e -> e.seq() < 0 && e.lost() > 0).mapToLong(LogEntry::lost).sum();
            assertEquals(last - first + 1, sent + lost, "entries " + first + ".." + last + ": sent " + sent
                    + ", counted lost " + lost);
        }
    }

    /**
     * Regression test for a lap cascade: a follower lapped once resumes at the oldest entry
     * held; the daemon's own "fell behind" ring entry then evicted exactly that entry, so the
     * follower was lapped again by 1, reported again, and so on until the daemon's budget for
     * such messages ran out (1 notice for the real lap plus about 9 "missed 1 entries").
     *
     * <p>To have exactly one real lap, the follower's socket is first filled without lapping
     * it (batches of 25 lines, each seen in the ring before the next: the follower keeps up
     * while its socket takes data); once it is full the follower is not served, so the flood
     * that follows laps it once, which it learns when it reads again.
     */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void followerLappedOnceGetsOneNoticeNotACascadeOfOneEntryLaps() throws Exception {
        try (QueryClient follower = QueryClient.open(daemon.querySocket(), LinuxKit.MODE_FOLLOW);
             Source source = Sources.socketpair(daemon.logSocket(), "paced")) {
            awaitFollowing(follower);
            for (int batch = 0; batch < 200; batch++) {
                StringBuilder lines = new StringBuilder();
                for (int i = 0; i < 25; i++) {
                    lines.append("paced ").append(batch).append(' ').append(i).append('\n');
                }
                source.write(lines.toString().getBytes(StandardCharsets.US_ASCII));
                daemon.awaitEntry("paced", "paced " + batch + " 24");
            }
            StringBuilder flood = new StringBuilder();
            for (int i = 0; i < 2000; i++) {
                flood.append("flood line ").append(i).append('\n');
            }
            source.write(flood.append("flood done\n").toString().getBytes(StandardCharsets.US_ASCII));
            daemon.awaitEntry("paced", "flood done");

            List<LogEntry> notices = new ArrayList<>();
            for (String line = follower.readLine(); line != null; line = follower.readLine()) {
                LogEntry entry = EntryJsonParser.parse(line);
                if (entry.seq() < 0) {
                    notices.add(entry);
                }
                if (entry.msg().equals("flood done")) {
                    break;
                }
            }

            assertEquals(1, notices.size(), () -> notices.size() + " notices, lost counts "
                    + notices.stream().map(LogEntry::lost).collect(Collectors.toList()) + ": " + notices);
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void ringRecordsAMemlogdEntryAboutTheLappedReader() throws Exception {
        try (QueryClient follower = QueryClient.open(daemon.querySocket(), LinuxKit.MODE_FOLLOW)) {
            floodThenRead(follower);
        }

        LogEntry entry = daemon.awaitOwnMessage("fell behind");

        assertNotNull(entry);
        assertTrue(entry.seq() > 0, "a ring entry, with a seq: " + entry);
    }

    /**
     * The daemon's entry about the stalled reader is evicted from this small ring by the
     * flood it lets through, so a second follower, which keeps reading, looks for it.
     */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void followerThatStopsReadingNoLongerHoldsIngestAfterClientWaitAndTheDaemonSaysSo() throws Exception {
        try (QueryClient stalled = QueryClient.open(daemon.querySocket(), LinuxKit.MODE_FOLLOW);
             QueryClient watcher = QueryClient.open(daemon.querySocket(), LinuxKit.MODE_FOLLOW)) {
            java.util.concurrent.CompletableFuture<LogEntry> said = new java.util.concurrent.CompletableFuture<>();
            Thread watching = new Thread(() -> {
                try {
                    for (String line = watcher.readLine(); line != null; line = watcher.readLine()) {
                        LogEntry entry = EntryJsonParser.parse(line);
                        if (entry.source().equals(LinuxKit.SOURCE_MEMLOGD) && entry.msg().contains("-client-wait")) {
                            said.complete(entry);
                            return;
                        }
                    }
                    said.completeExceptionally(new AssertionError("watcher closed"));
                } catch (IOException | RuntimeException e) {
                    said.completeExceptionally(e);
                }
            }, "watcher");
            watching.start();

            List<LogEntry> received = floodThenRead(stalled); // the flood completing shows writers went on

            LogEntry entry = said.get();
            assertTrue(entry.msg().contains("took nothing for 100 ms"), entry.msg());
            assertTrue(entry.seq() > 0, "a ring entry, with a seq: " + entry);
            assertTrue(received.stream().anyMatch(e -> e.seq() < 0 && e.lost() > 0), "the stalled reader was lapped");
            watcher.close();
            watching.join();
        }
    }
}

package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.e2e.Sources.Source;
import dev.memlogd.testkit.Await;

/**
 * SIGTERM while producers write as fast as they can and readers are busy (issue 11, item 2:
 * a follower's stream could end inside a JSON line, and a lagging follower never got the
 * "memlogd stopping" entry). Each round starts a daemon, floods it, and stops it with a reader
 * that keeps up and one that has stopped reading (its socket full, its last write cut inside a
 * line) and reads again once SIGTERM is sent. Several rounds, because which byte the daemon
 * stops at is chance.
 */
@ExtendWith(DaemonOutputOnFailure.class)
class SigtermUnderLoadTest {
    private static final int ROUNDS = 4;
    private static final int PRODUCERS = 4;
    /** Entries appended while the paused reader does not read: far more than its buffers hold. */
    private static final int ENTRIES_WHILE_PAUSED = 20_000;

    @Test
    @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyReaderGetsWholeLinesToTheEndAndOneThatKeepsUpGetsTheStoppingEntry() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            try (DaemonProcess daemon = DaemonProcess.start()) {
                stopUnderLoad(daemon, round);
            }
        }
    }

    private static void stopUnderLoad(DaemonProcess daemon, int round) throws Exception {
        List<Producer> producers = new ArrayList<>();
        for (int i = 0; i < PRODUCERS; i++) {
            producers.add(Producer.start(Sources.socketpair(daemon.logSocket(), "flood" + i)));
        }
        try (RawQuery keepingUp = RawQuery.connect(daemon.querySocket());
             RawQuery paused = RawQuery.connect(daemon.querySocket())) {
            keepingUp.send(LinuxKit.MODE_DUMP_FOLLOW);
            paused.send(LinuxKit.MODE_QUERY);
            paused.send(ascii("{\"follow\":true}\n"));
            CompletableFuture<List<LogEntry>> keptUp = CompletableFuture.supplyAsync(() -> readToEnd(keepingUp));
            long pausedAt = 0;
            for (int i = 0; i < 100; i++) {
                pausedAt = Math.max(pausedAt, paused.readEntry().seq());
            }
            long pausedSeq = pausedAt;
            Await.await(() -> newestSeq(daemon) > pausedSeq + ENTRIES_WHILE_PAUSED,
                    "the producers append " + ENTRIES_WHILE_PAUSED + " entries while a reader has stopped reading");

            daemon.sigterm();
            List<LogEntry> pausedRest = readToEnd(paused);
            List<LogEntry> keptUpAll = keptUp.get(60, TimeUnit.SECONDS);

            String where = "round " + round + ", ";
            assertFalse(keptUpAll.isEmpty(), where + "the reader that keeps up got nothing");
            LogEntry last = keptUpAll.get(keptUpAll.size() - 1);
            assertEquals("memlogd stopping", last.msg(), where + "the last entry of the reader that keeps up: " + last);
            assertFalse(pausedRest.isEmpty(), where + "the paused reader got nothing after it read again");
            LogEntry pausedLast = pausedRest.get(pausedRest.size() - 1);
            assertTrue(isStopMessage(pausedLast), where + "the paused reader's stream ends saying the daemon stopped: "
                    + pausedLast);
            assertEquals(0, daemon.awaitExit(Duration.ofSeconds(30)), where + "exit code");
        } finally {
            for (Producer producer : producers) {
                producer.stop();
            }
        }
    }

    /** The stopping entry, or the notice that the daemon stopped before this reader had it. */
    private static boolean isStopMessage(LogEntry entry) {
        return entry.source().equals(LinuxKit.SOURCE_MEMLOGD) && entry.msg().contains("memlogd stopping");
    }

    /** Every line to the end of the stream; fails on a line the stream ends inside ({@link RawQuery#readEntry}). */
    private static List<LogEntry> readToEnd(RawQuery query) {
        List<LogEntry> entries = new ArrayList<>();
        try {
            for (LogEntry entry = query.readEntry(); entry != null; entry = query.readEntry()) {
                entries.add(entry);
            }
        } catch (IOException e) {
            throw new AssertionError("the stream failed after " + entries.size() + " whole lines", e);
        }
        return entries;
    }

    /** The seq of the newest entry, from a mode-3 request for the last one. */
    private static long newestSeq(DaemonProcess daemon) throws IOException {
        try (RawQuery query = RawQuery.connect(daemon.querySocket())) {
            query.send(LinuxKit.MODE_QUERY);
            query.send(ascii("{\"tail\":1}\n"));
            LogEntry newest = query.readEntry();
            assertNotNull(newest, "an empty ring");
            return newest.seq();
        }
    }

    private static int[] ascii(String text) {
        byte[] raw = text.getBytes(StandardCharsets.US_ASCII);
        int[] out = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            out[i] = raw[i];
        }
        return out;
    }

    /** Writes numbered lines to its source as fast as the daemon takes them, until the daemon is gone. */
    private static final class Producer {
        private final Source source;
        private final Thread thread;

        private Producer(Source source) {
            this.source = source;
            this.thread = new Thread(this::run, "producer " + source.name());
            this.thread.setDaemon(true);
        }

        static Producer start(Source source) {
            Producer producer = new Producer(source);
            producer.thread.start();
            return producer;
        }

        private void run() {
            String padding = "p".repeat(60);
            try {
                for (long batch = 0; ; batch++) {
                    StringBuilder lines = new StringBuilder();
                    for (int i = 0; i < 256; i++) {
                        lines.append(source.name()).append(' ').append(batch).append('.').append(i).append(' ')
                                .append(padding).append('\n');
                    }
                    source.write(lines.toString().getBytes(StandardCharsets.US_ASCII));
                }
            } catch (IOException e) {
                // The daemon has gone (EPIPE), or the test closed the source: done.
            }
        }

        void stop() throws IOException, InterruptedException {
            source.close();
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
    }
}

package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.core.wire.EntryJsonParser;
import dev.memlogd.e2e.Sources.Source;
import dev.memlogd.testkit.Await;

/** {@code logread -f} (mode 1) and {@code logread -F} (mode 2) against a daemon with history. */
class FollowModesTest extends DaemonPerTest {
    private static final Duration LINE_DEADLINE = Duration.ofSeconds(15);

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void followPrintsOnlyLinesWrittenAfterItConnected() throws Exception {
        try (Source source = Sources.socketpair(daemon.logSocket(), "app")) {
            for (int i = 0; i < 3; i++) {
                source.println("old " + i);
            }
            daemon.awaitEntry("app", "old 2");

            List<String> printed = new ArrayList<>();
            try (Logread.Streaming follow = Logread.start("-f", "-socket", daemon.querySocket().toString())) {
                // Whether logread's request has reached the daemon is not observable from here:
                // write probes until one is printed, then the new lines.
                AtomicInteger probe = new AtomicInteger();
                printed.add(Await.awaitValue(() -> {
                    source.println("probe " + probe.getAndIncrement());
                    return follow.pollLine(Duration.ofMillis(100));
                }, Objects::nonNull, "logread -f prints a line written after it started"));
                for (int i = 0; i < 5; i++) {
                    source.println("new " + i);
                }
                while (!printed.get(printed.size() - 1).endsWith(";app;new 4")) {
                    printed.add(follow.nextLine(LINE_DEADLINE));
                }
            }

            assertTrue(printed.stream().noneMatch(l -> l.contains(";old ")), () -> "old lines printed: " + printed);
            List<String> fresh = printed.stream().filter(l -> l.contains(";app;new "))
                    .map(l -> l.substring(l.indexOf(";app;") + 5)).collect(Collectors.toList());
            assertEquals(List.of("new 0", "new 1", "new 2", "new 3", "new 4"), fresh);
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void dumpThenFollowPrintsOldThenNewWithNoGapAndNoDuplicate() throws Exception {
        try (Source source = Sources.socketpair(daemon.logSocket(), "app")) {
            for (int i = 0; i < 100; i++) {
                source.println("old " + i);
            }
            daemon.awaitEntry("app", "old 99");
            long oldestSeq = daemon.dump().get(0).seq();
            // A producer paced at about one line per ms, writing while logread connects and
            // switches from dump to follow.
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger written = new AtomicInteger();
            Thread producer = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        source.println("live " + written.get());
                        written.incrementAndGet();
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                    }
                    source.println("end");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "producer");

            List<LogEntry> printed = new ArrayList<>();
            producer.start();
            try (Logread.Streaming follow = Logread.start("-F", "-o", "json",
                    "-socket", daemon.querySocket().toString())) {
                int liveSeenAt = -1;
                while (true) {
                    LogEntry entry = EntryJsonParser.parse(follow.nextLine(LINE_DEADLINE));
                    printed.add(entry);
                    if (liveSeenAt < 0 && entry.msg().startsWith("live ")) {
                        liveSeenAt = written.get();
                    }
                    if (liveSeenAt >= 0 && written.get() > liveSeenAt + 200) {
                        stop.set(true);
                    }
                    if (entry.msg().equals("end")) {
                        break;
                    }
                }
            } finally {
                stop.set(true);
                producer.join();
            }

            assertEquals(oldestSeq, printed.get(0).seq(), "starts with the oldest entry held");
            for (int i = 1; i < printed.size(); i++) {
                assertEquals(printed.get(i - 1).seq() + 1, printed.get(i).seq(), "seq after " + printed.get(i - 1));
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                expected.add("old " + i);
            }
            for (int i = 0; i < written.get(); i++) {
                expected.add("live " + i);
            }
            expected.add("end");
            assertEquals(expected, printed.stream().filter(e -> e.source().equals("app")).map(LogEntry::msg)
                    .collect(Collectors.toList()));
            assertFalse(printed.stream().anyMatch(e -> e.seq() < 0), "no notice: nothing was lost");
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void tailThenFollowPrintsTheLastEntriesHeldThenNewOnesWithNoGap() throws Exception {
        try (Source source = Sources.socketpair(daemon.logSocket(), "app")) {
            for (int i = 0; i < 5; i++) {
                source.println("old " + i);
            }
            List<LogEntry> dump = daemon.awaitEntry("app", "old 4");

            List<LogEntry> printed = new ArrayList<>();
            try (Logread.Streaming follow = Logread.start("-n", "2", "-f", "-o", "json",
                    "-socket", daemon.querySocket().toString())) {
                printed.add(EntryJsonParser.parse(follow.nextLine(LINE_DEADLINE)));
                printed.add(EntryJsonParser.parse(follow.nextLine(LINE_DEADLINE)));
                // Both held entries printed: logread follows by now.
                source.println("new 0");
                printed.add(EntryJsonParser.parse(follow.nextLine(LINE_DEADLINE)));
            }

            assertEquals(dump.subList(dump.size() - 2, dump.size()), printed.subList(0, 2), "the last two held");
            assertEquals("new 0", printed.get(2).msg());
            assertEquals(printed.get(1).seq() + 1, printed.get(2).seq(), "no gap between tail and follow");
        }
    }
}

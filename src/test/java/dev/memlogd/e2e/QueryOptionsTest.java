package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.core.wire.EntryJsonParser;
import dev.memlogd.e2e.Sources.Source;

/**
 * Our logread extensions on top of mode 3: {@code --after SEQ}, {@code -n N}, {@code --source NAME}.
 * The daemon holds {@value #MAX_LINES} entries, so that a test can have entries evicted.
 */
@ExtendWith(DaemonOutputOnFailure.class)
class QueryOptionsTest {
    private static final int MAX_LINES = 200;

    private static DaemonProcess daemon;

    @BeforeAll
    static void startDaemon() throws Exception {
        daemon = DaemonProcess.start("-max-lines", Integer.toString(MAX_LINES));
    }

    @AfterAll
    static void stopDaemon() {
        daemon.close();
    }

    private static List<LogEntry> logreadJson(String... args) throws Exception {
        String[] all = new String[args.length + 4];
        all[0] = "-socket";
        all[1] = daemon.querySocket().toString();
        all[2] = "-o";
        all[3] = "json";
        System.arraycopy(args, 0, all, 4, args.length);
        Logread.Result result = Logread.run(all);
        assertEquals(0, result.exitCode(), result::describe);
        return result.lines().stream().map(EntryJsonParser::parse).collect(Collectors.toList());
    }

    private static List<String> msgs(List<LogEntry> entries) {
        return entries.stream().map(LogEntry::msg).collect(Collectors.toList());
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void afterSeqReturnsExactlyTheEntriesAppendedSinceThatSeq() throws Exception {
        try (Source source = Sources.socketpair(daemon.logSocket(), "resume")) {
            source.println("before 1").println("before 2");
            daemon.awaitEntry("resume", "before 2");
            List<LogEntry> first = logreadJson();
            long lastSeen = first.get(first.size() - 1).seq();
            source.println("after 1").println("after 2").println("after 3");
            daemon.awaitEntry("resume", "after 3");

            List<LogEntry> resumed = logreadJson("--after", Long.toString(lastSeen));

            assertEquals(List.of("after 1", "after 2", "after 3"), msgs(resumed));
            assertEquals(LongStream.rangeClosed(lastSeen + 1, lastSeen + 3).boxed().collect(Collectors.toList()),
                    resumed.stream().map(LogEntry::seq).collect(Collectors.toList()));
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void tailOfThreeGivesTheLastThreeEntries() throws Exception {
        try (Source source = Sources.socketpair(daemon.logSocket(), "tail")) {
            for (int i = 1; i <= 5; i++) {
                source.println("tail " + i);
            }
            List<LogEntry> dump = daemon.awaitDump(d -> DaemonProcess.contains(d, "tail", "tail 5"), "tail 5");

            List<LogEntry> tail = logreadJson("-n", "3");

            assertEquals(dump.subList(dump.size() - 3, dump.size()), tail);
            assertEquals(List.of("tail 3", "tail 4", "tail 5"), msgs(tail));
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void sourceOptionKeepsOnlyThatSourcesEntries() throws Exception {
        try (Source wanted = Sources.socketpair(daemon.logSocket(), "wanted");
             Source other = Sources.fifo(daemon.dir(), daemon.logSocket(), "other")) {
            for (int i = 1; i <= 3; i++) {
                wanted.println("w " + i);
                other.println("o " + i);
            }
            daemon.awaitDump(d -> DaemonProcess.contains(d, "wanted", "w 3") && DaemonProcess.contains(d, "other", "o 3"),
                    "both sources' last lines");

            List<LogEntry> filtered = logreadJson("--source", "wanted");

            assertEquals(List.of("w 1", "w 2", "w 3"), msgs(filtered));
            assertEquals(List.of("wanted"), filtered.stream().map(LogEntry::source).distinct().collect(Collectors.toList()));
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void afterAnEvictedSeqStartsWithANoticeCountingTheEntriesEvictedSince() throws Exception {
        try (Source source = Sources.socketpair(daemon.logSocket(), "evicted")) {
            source.println("remembered");
            long remembered = daemon.awaitEntry("evicted", "remembered").stream()
                    .filter(e -> e.msg().equals("remembered")).findFirst().orElseThrow().seq();
            StringBuilder flood = new StringBuilder();
            for (int i = 0; i < 2 * MAX_LINES; i++) {
                flood.append("flood ").append(i).append('\n');
            }
            source.write(flood.toString().getBytes(StandardCharsets.US_ASCII));
            source.println("newest");
            daemon.awaitEntry("evicted", "newest");

            List<LogEntry> resumed = logreadJson("--after", Long.toString(remembered));

            LogEntry notice = resumed.get(0);
            LogEntry oldestHeld = resumed.get(1);
            assertEquals(LinuxKit.SOURCE_MEMLOGD, notice.source(), notice::toString);
            assertEquals(-1, notice.seq(), () -> "a notice, not a ring entry: " + notice);
            assertEquals(oldestHeld.seq() - (remembered + 1), notice.lost(), () -> "lost in " + notice + " before "
                    + oldestHeld);
            assertEquals(MAX_LINES, resumed.size() - 1, "then every entry held");
            assertEquals("newest", resumed.get(resumed.size() - 1).msg());
        }
    }

    /** Issue 11: {"tail":0,"after":0} reported entries lost that it had not asked for. */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void tailAfterAnEvictedSeqReportsNoLossWhenTheRingHoldsTheWholeTail() throws Exception {
        try (Source source = Sources.socketpair(daemon.logSocket(), "tail-after")) {
            StringBuilder flood = new StringBuilder();
            for (int i = 0; i < 2 * MAX_LINES; i++) {
                flood.append("flood ").append(i).append('\n');
            }
            source.write(flood.toString().getBytes(StandardCharsets.US_ASCII));
            source.println("newest");
            List<LogEntry> dump = daemon.awaitEntry("tail-after", "newest");

            List<LogEntry> nothing = logreadJson("--after", "0", "-n", "0");
            List<LogEntry> lastThree = logreadJson("--after", "0", "-n", "3");

            assertEquals(List.of(), nothing, "seq 1 is evicted, but -n 0 asked for none of what followed it");
            assertEquals(dump.subList(dump.size() - 3, dump.size()), lastThree, "the last 3, no notice before them");
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void afterASeqThisDaemonNeverGaveOutSendsANoticeThenEveryEntryHeld() throws Exception {
        try (Source source = Sources.socketpair(daemon.logSocket(), "restarted")) {
            source.println("held");
            daemon.awaitEntry("restarted", "held");
            List<LogEntry> dump = daemon.dump();

            List<LogEntry> resumed = logreadJson("--after", "1000000000");

            LogEntry notice = resumed.get(0);
            assertEquals(LinuxKit.SOURCE_MEMLOGD, notice.source(), notice::toString);
            assertEquals(-1, notice.seq(), () -> "a notice, not a ring entry: " + notice);
            assertTrue(notice.msg().contains("1000000000"), notice::msg);
            assertEquals(dump, resumed.subList(1, resumed.size()));
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void tailAndSourceTogetherGiveTheLastEntriesOfThatSource() throws Exception {
        try (Source wanted = Sources.socketpair(daemon.logSocket(), "tail-wanted");
             Source other = Sources.socketpair(daemon.logSocket(), "tail-other")) {
            for (int i = 1; i <= 4; i++) {
                wanted.println("w " + i);
                other.println("o " + i);
            }
            daemon.awaitDump(d -> DaemonProcess.contains(d, "tail-wanted", "w 4")
                    && DaemonProcess.contains(d, "tail-other", "o 4"), "both sources' last lines");

            List<LogEntry> tail = logreadJson("-n", "2", "--source", "tail-wanted");

            assertEquals(List.of("w 3", "w 4"), msgs(tail));
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void identityComesFirstAndIsTheOneTheStartEntryNames() throws Exception {
        // A daemon of its own: the shared one's start entry may be evicted by earlier tests.
        try (DaemonProcess fresh = DaemonProcess.start()) {
            Logread.Result result = Logread.run("-socket", fresh.querySocket().toString(), "-o", "json",
                    "--identity");
            assertEquals(0, result.exitCode(), result::describe);

            LogEntry identity = EntryJsonParser.parse(result.lines().get(0));
            assertEquals(LinuxKit.SOURCE_MEMLOGD, identity.source());
            assertEquals(-1, identity.seq());
            assertTrue(identity.daemon() != null && identity.daemon().matches("[0-9a-f-]{36}"), identity::toString);
            LogEntry started = EntryJsonParser.parse(result.lines().get(1));
            assertTrue(started.msg().contains(" started ") && started.msg().contains("identity " + identity.daemon()),
                    started::toString);
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void resumeNamingThisDaemonIsExactAndNamingAnotherSaysItRestarted() throws Exception {
        try (Source source = Sources.socketpair(daemon.logSocket(), "identity")) {
            source.println("one").println("two");
            daemon.awaitEntry("identity", "two");
            List<LogEntry> first = logreadJson("--identity", "--source", "identity");
            String id = first.get(0).daemon();
            long lastSeen = first.get(first.size() - 1).seq();
            source.println("three");
            daemon.awaitEntry("identity", "three");

            List<LogEntry> same = logreadJson("--source", "identity", "--after", Long.toString(lastSeen),
                    "--daemon", id);
            List<LogEntry> other = logreadJson("--source", "identity", "--after", Long.toString(lastSeen),
                    "--daemon", "an-earlier-daemon");

            assertEquals(List.of("three"), msgs(same));
            assertTrue(other.get(0).msg().startsWith("memlogd restarted: entries after seq " + lastSeen
                    + " of the previous daemon (an-earlier-daemon) may be missing"), other.get(0)::toString);
            assertEquals(List.of("one", "two", "three"), msgs(other.subList(1, other.size())));
        }
    }
}

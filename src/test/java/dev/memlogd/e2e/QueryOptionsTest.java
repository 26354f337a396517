package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.core.wire.LogEntryJson;
import dev.memlogd.e2e.Sources.Source;

/** Our logread extensions on top of mode 3: {@code --after SEQ}, {@code -n N}, {@code --source NAME}. */
class QueryOptionsTest extends DaemonPerClass {
    private static List<LogEntry> logreadJson(String... args) throws Exception {
        String[] all = new String[args.length + 4];
        all[0] = "-socket";
        all[1] = daemon.querySocket().toString();
        all[2] = "-o";
        all[3] = "json";
        System.arraycopy(args, 0, all, 4, args.length);
        Logread.Result result = Logread.run(all);
        assertEquals(0, result.exitCode(), result::describe);
        return result.lines().stream().map(LogEntryJson::parse).collect(Collectors.toList());
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
}

package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.memlogd.core.wire.EntryJsonParser;
import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.e2e.Sources.Source;

/**
 * {@code memlogd -syslog-prefix}: the sources it names have a line's {@code <N>} prefix taken
 * off and kept as the entry's {@code pri}; every other source's lines stay as LinuxKit's
 * daemon keeps them; {@code logread --level} keeps entries of that severity or more severe.
 * Each test uses its own opted-in source, so they share one daemon.
 */
@ExtendWith(DaemonOutputOnFailure.class)
class SyslogPrefixTest {
    private static final Duration LINE_DEADLINE = Duration.ofSeconds(15);

    private static DaemonProcess daemon;

    @BeforeAll
    static void startDaemon() throws Exception {
        daemon = DaemonProcess.start("-syslog-prefix", "kmsg,tail,follow");
    }

    @AfterAll
    static void stopDaemon() {
        daemon.close();
    }

    private static Logread.Result logread(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("-socket", daemon.querySocket().toString()));
        all.addAll(List.of(args));
        Logread.Result result = Logread.run(all.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result::describe);
        return result;
    }

    private static List<LogEntry> logreadJson(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("-o", "json"));
        all.addAll(List.of(args));
        return logread(all.toArray(String[]::new)).lines().stream().map(EntryJsonParser::parse)
                .collect(Collectors.toList());
    }

    private static List<String> msgs(List<LogEntry> entries) {
        return entries.stream().map(LogEntry::msg).collect(Collectors.toList());
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void optedInSourceGetsPriWhileAnotherKeepsThePrefixInItsMessage() throws Exception {
        try (Source kmsg = Sources.socketpair(daemon.logSocket(), "kmsg");
             Source web = Sources.fifo(daemon.dir(), daemon.logSocket(), "web")) {
            kmsg.println("<3>disk error").println("<6>link up").println("<0>panic").println("plain");
            web.println("<3>oops");
            daemon.awaitDump(d -> DaemonProcess.contains(d, "kmsg", "plain") && DaemonProcess.contains(d, "web", "<3>oops"),
                    "both sources' lines");

            List<LogEntry> json = logreadJson("--source", "kmsg", "--source", "web");
            List<String> text = logread("--source", "kmsg", "--source", "web").lines();

            assertEquals(List.of("disk error", "link up", "panic", "plain", "<3>oops"), msgs(json));
            assertEquals(List.of(3, 6, 0, -1, -1), json.stream().map(LogEntry::pri).collect(Collectors.toList()));
            // LinuxKit's line: the message without its prefix, no priority.
            assertTrue(text.get(0).endsWith(";kmsg;disk error"), text.toString());
            assertTrue(text.get(4).endsWith(";web;<3>oops"), text.toString());
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void levelErrKeepsErrorsAndWorseAndTailCountsOnlyThose() throws Exception {
        try (Source tail = Sources.socketpair(daemon.logSocket(), "tail")) {
            tail.println("<3>first error").println("<4>a warning").println("<2>critical").println("no priority")
                    .println("<11>user error").println("<30>daemon info").println("<6>last info");
            daemon.awaitEntry("tail", "last info");

            List<LogEntry> errors = logreadJson("--level", "err", "--source", "tail");
            List<LogEntry> lastTwo = logreadJson("--level", "3", "-n", "2", "--source", "tail");
            List<LogEntry> warnings = logreadJson("--level", "warning", "--source", "tail");

            assertEquals(List.of("first error", "critical", "user error"), msgs(errors));
            assertEquals(List.of("critical", "user error"), msgs(lastTwo));
            assertEquals(List.of("first error", "a warning", "critical", "user error"), msgs(warnings));
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void dumpThenFollowWithALevelPrintsOnlyMatchingEntriesOldAndNew() throws Exception {
        try (Source follow = Sources.socketpair(daemon.logSocket(), "follow")) {
            follow.println("<3>old error").println("<6>old info");
            daemon.awaitEntry("follow", "old info");

            List<String> printed = new ArrayList<>();
            try (Logread.Streaming logread = Logread.start("-F", "--level", "err", "--source", "follow",
                    "-socket", daemon.querySocket().toString())) {
                printed.add(logread.nextLine(LINE_DEADLINE));
                follow.println("<7>new debug").println("<1>new alert").println("new plain").println("<3>new error");
                while (!printed.get(printed.size() - 1).endsWith(";follow;new error")) {
                    printed.add(logread.nextLine(LINE_DEADLINE));
                }
            }

            assertEquals(List.of("old error", "new alert", "new error"), printed.stream()
                    .map(l -> l.substring(l.indexOf(";follow;") + 8)).collect(Collectors.toList()));
        }
    }
}

package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.e2e.Sources.Source;

/** Sources of both kinds init makes, read by one daemon and printed by {@code logread} (mode 0). */
class LogreadOutputTest extends DaemonPerClass {
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void socketpairAndFifoSourcesAreBothReadByOneDaemon() throws Exception {
        try (Source onboot = Sources.socketpair(daemon.logSocket(), "onboot.sysctl.out");
             Source service = Sources.fifo(daemon.dir(), daemon.logSocket(), "getty.out")) {
            onboot.println("net.ipv4.ip_forward = 1");
            service.println("getty started on ttyS0");

            daemon.awaitDump(dump -> DaemonProcess.contains(dump, "onboot.sysctl.out", "net.ipv4.ip_forward = 1")
                    && DaemonProcess.contains(dump, "getty.out", "getty started on ttyS0"),
                    "the socketpair's and the FIFO's line in one dump");
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void logreadPrintsTimeSourceWithEscapedSemicolonsAndMessageByteForByte() throws Exception {
        try (Source onboot = Sources.socketpair(daemon.logSocket(), "onboot.a;b");
             Source service = Sources.fifo(daemon.dir(), daemon.logSocket(), "svc;x.out")) {
            onboot.println("key=a;b \u00e9t\u00e9 \u2713 <tag> & \"quoted\" back\\slash\ttab");
            service.println("; leading semicolon");
            List<LogEntry> dump = daemon.awaitDump(d -> DaemonProcess.contains(d, "svc;x.out", "; leading semicolon")
                    && d.stream().anyMatch(e -> e.source().equals("onboot.a;b")), "both lines in a dump");
            StringBuilder expected = new StringBuilder();
            dump.forEach(e -> expected.append(Formats.logreadLine(e.time(), e.source(), e.msg())));

            Logread.Result logread = Logread.run("-socket", daemon.querySocket().toString());

            assertEquals(0, logread.exitCode(), logread::describe);
            assertEquals(expected.toString(), logread.stdoutText(), logread::describe);
            assertArrayEquals(expected.toString().getBytes(StandardCharsets.UTF_8), logread.stdout());
            for (String line : logread.lines()) {
                assertTrue(Formats.TIME_PATTERN.matcher(line.substring(0, line.indexOf(';'))).matches(),
                        () -> "time of " + line);
            }
            assertTrue(logread.lines().stream().anyMatch(l -> l.matches(Formats.TIME
                    + Pattern.quote(";onboot.a\\;b;key=a;b \u00e9t\u00e9 \u2713 <tag> & \"quoted\" back\\slash\ttab"))),
                    logread::describe);
            assertTrue(logread.lines().stream().anyMatch(l -> l.matches(Formats.TIME
                    + Pattern.quote(";svc\\;x.out;; leading semicolon"))), logread::describe);
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void emptySourceNameIsPrintedAsAnEmptyField() throws Exception {
        try (Source nameless = Sources.socketpair(daemon.logSocket(), "")) {
            nameless.println("from the nameless source");
            daemon.awaitEntry("", "from the nameless source");

            Logread.Result logread = Logread.run("-socket", daemon.querySocket().toString());

            assertEquals(0, logread.exitCode(), logread::describe);
            assertTrue(logread.lines().stream().anyMatch(l -> l.matches(Formats.TIME
                    + Pattern.quote(";;from the nameless source"))), logread::describe);
        }
    }
}

package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.memlogd.e2e.Sources.Source;
import dev.memlogd.testkit.Await;

/**
 * In the foreground without {@code -no-console}, LinuxKit's memlogd prints every entry on its
 * stdout (the console) in logread's format; ours does too.
 */
@ExtendWith(DaemonOutputOnFailure.class)
class ConsoleEchoTest {
    private DaemonProcess daemon;

    @BeforeEach
    void startDaemonWithConsole() throws Exception {
        daemon = DaemonProcess.startWithConsole();
    }

    @AfterEach
    void stopDaemon() {
        daemon.close();
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void foregroundDaemonPrintsEveryEntryOnStdoutInLogreadFormat() throws Exception {
        try (Source source = Sources.socketpair(daemon.logSocket(), "onboot.a;b.out")) {

            source.println("to the console");

            Pattern line = Pattern.compile("(?m)^" + Formats.TIME + Pattern.quote(";onboot.a\\;b.out;to the console")
                    + "$");
            Await.await(() -> line.matcher(daemon.stdoutText()).find(), "the entry on the daemon's stdout");
            Await.await(() -> Pattern.compile("(?m)^" + Formats.TIME + ";memlogd;memlogd .* started")
                    .matcher(daemon.stdoutText()).find(), "the daemon's own start entry on its stdout");
        }
    }

    /** Issue 11: the daemon could exit before its console had printed the end of what it was sent. */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void sigtermEndsTheConsoleWithTheStoppingEntryOnAWholeLine() throws Exception {
        try (Source source = Sources.socketpair(daemon.logSocket(), "bulk")) {
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < 20_000; i++) {
                lines.append("bulk line ").append(i).append(' ').append("x".repeat(100)).append('\n');
            }
            source.write(lines.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));

            daemon.sigterm();
            assertEquals(0, daemon.awaitExit(java.time.Duration.ofSeconds(30)));
        }

        String stdout = daemon.stdoutText();
        assertTrue(stdout.endsWith("\n"), () -> "the console ends inside a line: ..."
                + stdout.substring(Math.max(0, stdout.length() - 300)));
        String last = stdout.substring(stdout.lastIndexOf('\n', stdout.length() - 2) + 1);
        assertTrue(last.matches(Formats.TIME + ";memlogd;memlogd stopping\n"), () -> "the console's last line: " + last);
    }
}

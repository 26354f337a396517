package dev.memlogd.e2e;

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
}

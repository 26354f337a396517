package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.e2e.Sources.Source;

/**
 * Socket files at start. LinuxKit's memlogd leaves its socket files behind, so a restart fails
 * with "address already in use"; ours replaces a socket file nobody answers on, and refuses
 * (exit 1) to take over one a live daemon still serves.
 */
class SocketFilesTest extends DaemonPerTest {
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void restartAfterSigkillReplacesTheStaleSocketFilesAndStartsSeqAtOne() throws Exception {
        daemon.sigkill();
        daemon.awaitExit(Duration.ofSeconds(10));
        assertTrue(Files.exists(daemon.logSocket(), LinkOption.NOFOLLOW_LINKS), "a killed daemon leaves its files");
        assertTrue(Files.exists(daemon.querySocket(), LinkOption.NOFOLLOW_LINKS), "a killed daemon leaves its files");

        try (DaemonProcess restarted = DaemonProcess.startIn(daemon.dir(), null);
             Source source = Sources.socketpair(restarted.logSocket(), "after-restart")) {
            source.println("served again");

            List<LogEntry> dump = restarted.awaitEntry("after-restart", "served again");

            assertEquals(1, dump.get(0).seq(), () -> "a new daemon's first entry: " + dump.get(0));
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void secondDaemonOnTheSocketsOfALiveOneExitsOneAndLeavesItServing() throws Exception {
        try (Source source = Sources.socketpair(daemon.logSocket(), "first")) {

            Process second = new ProcessBuilder(DaemonProcess.bin("memlogd").toString(), "-no-console",
                    "-socket-log", daemon.logSocket().toString(), "-socket-query", daemon.querySocket().toString())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .start();
            String output = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(second.waitFor(30, TimeUnit.SECONDS), "the second daemon still runs");

            assertEquals(1, second.exitValue(), output);
            assertTrue(output.contains("another process is listening on " + daemon.logSocket()), output);
            source.println("still served");
            daemon.awaitEntry("first", "still served");
        }
    }

    /** As LinuxKit's socket under init's umask 022: only its owner (root) may hand memlogd fds. */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void logSocketFileIsWritableOnlyByItsOwner() throws Exception {

        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(daemon.logSocket(),
                LinkOption.NOFOLLOW_LINKS);

        assertEquals(PosixFilePermissions.fromString("rwxr-xr-x"), permissions,
                PosixFilePermissions.toString(permissions));
    }
}

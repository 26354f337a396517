package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.memlogd.testkit.SocketProbes;
import dev.memlogd.testkit.TempDirs;

/**
 * {@code bin/memlogd -daemonize}, as LinuxKit's {@code /etc/init.d/002-logging} runs it: init
 * goes on when it returns, and hands the next on-boot action to the log socket at once, so
 * both sockets must accept by then (no waiting here).
 */
class DaemonizeTest {
    private Path dir;

    @BeforeEach
    void makeDirectory() throws Exception {
        dir = Files.createTempDirectory("memlogd-daemonize-");
    }

    /**
     * Stops the background daemon: found by the unique temp directory in its command line
     * (it was started by this test), stopped by its pid.
     */
    @AfterEach
    void stopBackgroundDaemon() throws Exception {
        List<ProcessHandle> ours = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(dir.toString())).orElse(false))
                .collect(Collectors.toList());
        for (ProcessHandle process : ours) {
            process.destroy();
        }
        for (ProcessHandle process : ours) {
            try {
                process.onExit().get(10, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                process.destroyForcibly();
            }
        }
        TempDirs.deleteRecursively(dir);
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void daemonizeReturnsZeroOnceBothSocketsAccept() throws Exception {
        Path log = dir.resolve("log.sock");
        Path query = dir.resolve("q.sock");

        Process launcher = new ProcessBuilder(DaemonProcess.bin("memlogd").toString(), "-daemonize",
                "-socket-log", log.toString(), "-socket-query", query.toString())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(dir.resolve("stdout.txt").toFile())
                .redirectError(dir.resolve("stderr.txt").toFile())
                .start();
        assertTrue(launcher.waitFor(30, TimeUnit.SECONDS), "memlogd -daemonize still running after 30 s");
        boolean logAccepts = SocketProbes.datagramConnects(log);
        boolean queryAnswers = DaemonProcess.querySocketAnswers(query);

        String output = Files.readString(dir.resolve("stdout.txt")) + Files.readString(dir.resolve("stderr.txt"));
        assertEquals(0, launcher.exitValue(), output);
        assertTrue(logAccepts, "log socket accepts when -daemonize returns");
        assertTrue(queryAnswers, "query socket answers when -daemonize returns");
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void daemonizeReturnsOneWithTheReasonWhenTheSocketsAreTaken() throws Exception {
        try (DaemonProcess live = DaemonProcess.start()) {

            Process launcher = new ProcessBuilder(DaemonProcess.bin("memlogd").toString(), "-daemonize",
                    "-socket-log", live.logSocket().toString(), "-socket-query", live.querySocket().toString())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(dir.resolve("stdout.txt").toFile())
                    .redirectError(dir.resolve("stderr.txt").toFile())
                    .start();
            assertTrue(launcher.waitFor(30, TimeUnit.SECONDS), "memlogd -daemonize still running after 30 s");

            String stderr = Files.readString(dir.resolve("stderr.txt"));
            assertEquals(1, launcher.exitValue(), stderr);
            assertTrue(stderr.contains("another process is listening on " + live.logSocket()), stderr);
            assertTrue(DaemonProcess.querySocketAnswers(live.querySocket()), "the live daemon still answers");
        }
    }
}

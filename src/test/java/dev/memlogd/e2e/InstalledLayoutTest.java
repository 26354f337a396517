package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import dev.memlogd.testkit.Processes;
import dev.memlogd.testkit.SocketProbes;
import dev.memlogd.testkit.TempDirs;
import java.time.Duration;

/**
 * {@code bin/memlogd} in the installed layout of the distribution archive ({@code ROOT/bin/memlogd},
 * {@code ROOT/lib/memlogd/memlogd.jar} and {@code launcher-lib.sh}), put together by hand with
 * only what the launcher cannot do without: it finds the flags fragment the build writes next
 * to the jar ({@code memlogd-flags.sh}), and without it says so rather than guess.
 * {@link DistributionArchiveTest} unpacks the real archive.
 */
class InstalledLayoutTest {
    private Path root;

    @BeforeEach
    void installWithoutStartupAids() throws Exception {
        root = Files.createTempDirectory("memlogd-installed-");
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("lib/memlogd"));
        Files.copy(DaemonProcess.bin("memlogd"), root.resolve("bin/memlogd"));
        assertTrue(root.resolve("bin/memlogd").toFile().setExecutable(true));
        Files.copy(DaemonProcess.bin("launcher-lib.sh"), root.resolve("lib/memlogd/launcher-lib.sh"));
        Files.copy(DaemonProcess.home().resolve("memlogd-daemon/target/memlogd.jar"),
                root.resolve("lib/memlogd/memlogd.jar"));
    }

    /** Stops a daemon this test started in the background: found by the temp root in its command line. */
    @AfterEach
    void stopBackgroundDaemon() throws Exception {
        Processes.stopAllMentioning(root.toString(), Duration.ofSeconds(10));
        TempDirs.deleteRecursively(root);
    }

    private Process launch() throws Exception {
        return new ProcessBuilder(root.resolve("bin/memlogd").toString(), "-daemonize",
                "-socket-log", root.resolve("log.sock").toString(), "-socket-query", root.resolve("q.sock").toString())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(root.resolve("stdout.txt").toFile())
                .redirectError(root.resolve("stderr.txt").toFile())
                .start();
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void daemonizesWithTheFlagsFragmentNextToTheJar() throws Exception {
        Files.copy(DaemonProcess.home().resolve("memlogd-daemon/target/memlogd-flags.sh"),
                root.resolve("lib/memlogd/memlogd-flags.sh"));

        Process launcher = launch();
        assertTrue(launcher.waitFor(30, TimeUnit.SECONDS), "memlogd -daemonize still running after 30 s");

        assertEquals(0, launcher.exitValue(), Files.readString(root.resolve("stderr.txt")));
        assertTrue(SocketProbes.datagramConnects(root.resolve("log.sock")), "log socket accepts");
        assertTrue(DaemonProcess.querySocketAnswers(root.resolve("q.sock")), "query socket answers");
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void withoutTheFlagsFragmentTheLauncherSaysToBuildInOneLine() throws Exception {
        Process launcher = launch();
        assertTrue(launcher.waitFor(30, TimeUnit.SECONDS), "memlogd still running after 30 s");

        String stderr = Files.readString(root.resolve("stderr.txt"));
        assertEquals(1, launcher.exitValue(), stderr);
        assertEquals("memlogd: " + root.resolve("lib/memlogd/memlogd-flags.sh") + " not found; build first:"
                + " mvn -q package -DskipTests\n", stderr);
    }
}

package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.memlogd.testkit.Await;
import dev.memlogd.testkit.Processes;
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
        Processes.stopAllMentioning(dir.toString(), Duration.ofSeconds(10));
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

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void goTrueSpellingDaemonizes() throws Exception {
        Path log = dir.resolve("log.sock");
        Path query = dir.resolve("q.sock");

        Process launcher = startLauncher("-daemonize=T", "-socket-log", log.toString(),
                "-socket-query", query.toString());
        assertTrue(launcher.waitFor(30, TimeUnit.SECONDS), "memlogd -daemonize=T still running after 30 s");

        List<String> daemons = ProcessHandle.allProcesses()
                .map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains(dir.toString()))
                .collect(Collectors.toList());

        assertEquals(0, launcher.exitValue(), output());
        assertTrue(SocketProbes.datagramConnects(log), "log socket accepts when -daemonize=T returns");
        assertTrue(DaemonProcess.querySocketAnswers(query), "query socket answers when -daemonize=T returns");
        // One JVM, started in the background by the launcher (ready pipe on fd 3), not the JVM's
        // own fallback for -daemonize, which would have meant a foreground JVM starting a second.
        assertEquals(1, daemons.size(), daemons.toString());
        assertTrue(daemons.get(0).contains("-ready-fd=3"), daemons.toString());
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void goFalseSpellingStaysInTheForeground() throws Exception {
        Path log = dir.resolve("log.sock");
        Path query = dir.resolve("q.sock");

        Process launcher = startLauncher("-daemonize=F", "-socket-log", log.toString(),
                "-socket-query", query.toString(), "-no-console");
        Await.await(() -> SocketProbes.datagramConnects(log) && DaemonProcess.querySocketAnswers(query),
                Duration.ofSeconds(30), "both sockets of memlogd -daemonize=F accept");

        boolean alive = launcher.isAlive();
        String cmdline = alive ? Files.readString(Path.of("/proc", Long.toString(launcher.pid()), "cmdline")) : "";

        assertTrue(alive, "the launcher returned: " + output());
        // In the foreground the launcher execs the daemon's JVM itself, without the ready pipe.
        assertTrue(cmdline.contains("memlogd.jar") && !cmdline.contains("-ready-fd"), cmdline);
    }

    private Process startLauncher(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(DaemonProcess.bin("memlogd").toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(dir.resolve("stdout.txt").toFile())
                .redirectError(dir.resolve("stderr.txt").toFile())
                .start();
    }

    private String output() throws IOException {
        return Files.readString(dir.resolve("stdout.txt")) + Files.readString(dir.resolve("stderr.txt"));
    }

    /** What a launcher run printed, and its exit code. */
    private record Run(int exit, String stdout, String stderr) {
    }

    private Run run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(DaemonProcess.bin("memlogd").toString()));
        command.addAll(List.of(args));
        Path out = dir.resolve("run.out");
        Path err = dir.resolve("run.err");
        Process process = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "memlogd " + command + " still running after 30 s");
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Issue 10: with -daemonize, --help, --version and usage errors all said only "exited before ... ready", rc 1. */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void daemonizeAnswersHelpVersionAndBadCommandLinesExactlyAsTheForegroundRunDoes() throws Exception {
        String log = dir.resolve("log.sock").toString();
        String query = dir.resolve("q.sock").toString();
        for (List<String> args : List.of(List.of("--help"), List.of("--version"), List.of("-bogus"),
                List.of("-max-lines", "abc"), List.of("-max-lines", "-5"), List.of("-socket-log", log, "-socket-query", log))) {
            List<String> daemonized = new ArrayList<>(List.of("-daemonize"));
            daemonized.addAll(args);

            Run foreground = run(args.toArray(String[]::new));
            Run background = run(daemonized.toArray(String[]::new));

            assertEquals(foreground, background, String.join(" ", args));
            assertTrue(foreground.exit() == 0 || foreground.stderr().lines().count() == 2,
                    "a bad command line is one line and a hint: " + foreground.stderr());
        }
        assertTrue(run("--help").stdout().startsWith("Usage: memlogd"));
        assertEquals(2, run("-daemonize", "-socket-query", query, "-socket-log", query).exit());
    }

    /** Issue 10: -daemonize kept the caller's fds (7>somefile) and working directory for its lifetime. */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void daemonizedDaemonHoldsNoneOfItsCallersFilesAndRunsInTheRootDirectory() throws Exception {
        Path caller = Files.createDirectory(dir.resolve("caller"));
        Path seven = dir.resolve("seven");
        Path twelve = dir.resolve("twelve");
        // bash: dash cannot name fds above 9. Relative socket paths: made absolute before the daemon leaves the directory.
        Process launcher = new ProcessBuilder("bash", "-c", "exec 7>\"$1\" 12>\"$2\"; exec \"$3\" -daemonize"
                + " -socket-log rel-log.sock -socket-query=rel-q.sock", "sh", seven.toString(), twelve.toString(),
                DaemonProcess.bin("memlogd").toString())
                .directory(caller.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .start();
        String output = new String(launcher.getInputStream().readAllBytes());
        assertEquals(0, launcher.waitFor(), output);

        ProcessHandle daemon = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(caller.toString()) && c.contains("java")).orElse(false))
                .findFirst().orElseThrow(() -> new AssertionError("no daemon running with " + caller));
        Path proc = Path.of("/proc", Long.toString(daemon.pid()));
        List<String> targets = new ArrayList<>();
        try (var fds = Files.list(proc.resolve("fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    targets.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }

        assertEquals(Path.of("/"), Files.readSymbolicLink(proc.resolve("cwd")));
        assertTrue(targets.stream().noneMatch(t -> t.equals(seven.toString()) || t.equals(twelve.toString())),
                targets.toString());
        assertTrue(SocketProbes.datagramConnects(caller.resolve("rel-log.sock")), "log socket where the caller meant it");
        assertTrue(DaemonProcess.querySocketAnswers(caller.resolve("rel-q.sock")), "query socket where the caller meant it");
    }
}

package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.memlogd.testkit.TempDirs;

/**
 * The launchers in {@code bin/} start java without forking helper processes (issue 12: the
 * daemon is the first thing init runs, and each {@code readlink}, {@code dirname} or command
 * substitution was a fork, 10 of them, 40-70 ms on a loaded machine). Traced with
 * {@code strace -f}, on a stand-in {@code java} (a sh script that runs no command) so that only
 * the launcher's own processes are counted; it records its arguments and, like the daemon,
 * answers {@code -ready-fd=3} with {@code READY}.
 */
class LauncherForksTest {
    private static final Pattern FORK = Pattern.compile("\\b(clone3?|v?fork)\\(");
    private static final Pattern EXECVE = Pattern.compile("\\bexecve\\(\"([^\"]*)\"");

    private Path work;
    private Path javaHome;

    @BeforeEach
    void standInJava() throws IOException {
        work = Files.createTempDirectory("memlogd-launcher-");
        javaHome = work.resolve("jdk");
        Files.createDirectories(javaHome.resolve("bin"));
        Path java = javaHome.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\n"
                + "printf '%s\\n' \"$@\" > " + work.resolve("java-args") + "\n"
                + "case \" $* \" in *\" -ready-fd=3 \"*) echo READY >&3 ;; esac\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void removeWork() {
        TempDirs.deleteRecursively(work);
    }

    @ParameterizedTest
    @ValueSource(strings = {"memlogd", "logread", "logwrite", "kmsg-reader", "memlogd-exec", "memlogd-forward"})
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aLauncherExecsJavaInItsOwnProcessWithoutRunningAnythingElse(String program) throws Exception {
        Trace trace = traced(work, DaemonProcess.bin(program).toString(), "--version");

        assertEquals(0, trace.forks, trace.text);
        assertEquals(List.of(DaemonProcess.bin(program).toString(), javaHome.resolve("bin/java").toString()),
                trace.execs, trace.text);
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void daemonizeForksOnlyTheSubstitutionReadingReadyAndTheBackgroundJvm() throws Exception {
        Trace trace = traced(work, DaemonProcess.bin("memlogd").toString(), "-daemonize",
                "-socket-log", work.resolve("log.sock").toString(), "-socket-query", work.resolve("q.sock").toString());

        assertEquals(0, trace.code, trace.text);
        assertEquals(2, trace.forks, trace.text);
        assertEquals(javaHome.resolve("bin/java").toString(), trace.execs.get(trace.execs.size() - 1), trace.text);
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aLauncherStartedByARelativePathHandsJavaTheJarByAnAbsolutePath() throws Exception {
        Trace trace = traced(DaemonProcess.home().resolve("bin"), "./logread", "--version");

        assertEquals(0, trace.code, trace.text);
        assertEquals(0, trace.forks, trace.text);
        assertTrue(javaArgs().contains(DaemonProcess.home() + "/logread-cli/target/logread.jar"), javaArgs().toString());
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aLauncherReachedThroughASymbolicLinkFindsItsJarWithOneReadlink() throws Exception {
        Path link = Files.createSymbolicLink(work.resolve("logread"), DaemonProcess.bin("logread"));

        Trace trace = traced(work, link.toString(), "--version");

        assertEquals(0, trace.code, trace.text);
        assertEquals(1, trace.forks, trace.text);
        assertTrue(trace.execs.get(1).endsWith("/readlink"), trace.text);
        assertTrue(javaArgs().contains(DaemonProcess.home() + "/logread-cli/target/logread.jar"), javaArgs().toString());
    }

    private List<String> javaArgs() throws IOException {
        return Files.readAllLines(work.resolve("java-args"));
    }

    private record Trace(int code, int forks, List<String> execs, String text) {
    }

    /** Runs a command under {@code strace -f} in {@code dir}, with the stand-in java as JAVA_HOME's. */
    private Trace traced(Path dir, String... command) throws IOException, InterruptedException {
        Path traceFile = work.resolve("trace");
        List<String> strace = new ArrayList<>(List.of("strace", "-f", "-qq",
                "-e", "trace=execve,fork,vfork,clone,clone3", "-o", traceFile.toString()));
        strace.addAll(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(strace)
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("output").toFile());
        builder.environment().put("JAVA_HOME", javaHome.toString());
        Process process = builder.start();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "still running after 30 s: " + strace);
        String text = Files.readString(traceFile) + "\noutput:\n" + Files.readString(work.resolve("output"));
        List<String> lines = Files.readAllLines(traceFile);
        int forks = (int) lines.stream().filter(l -> FORK.matcher(l).find()).count();
        // Programs run: execve calls that succeeded (a PATH search also logs the ones that failed).
        List<String> execs = new ArrayList<>();
        for (String line : lines) {
            Matcher exec = EXECVE.matcher(line);
            if (exec.find() && line.endsWith("= 0")) {
                execs.add(exec.group(1));
            }
        }
        return new Trace(process.exitValue(), forks, execs, text);
    }
}

package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code bin/memlogd-exec}, LinuxKit's command wrapper: {@code -socket LOG -n NAME cmd args...}. */
class MemlogdExecTest extends DaemonPerClass {
    /** What a finished memlogd-exec did. */
    private record Run(int exitCode, String stdout, String stderr) {
    }

    private static Run exec(String name, String script) throws Exception {
        return run(daemon.logSocket(), "-n", name, "sh", "-c", script);
    }

    /** Runs {@code memlogd-exec -socket LOG_SOCKET ARGS} to its end (at most 30 s). */
    private static Run run(Path logSocket, String... args) throws Exception {
        Path out = Files.createTempFile(daemon.dir(), "exec-", ".out");
        Path err = Files.createTempFile(daemon.dir(), "exec-", ".err");
        List<String> command = new ArrayList<>(List.of(DaemonProcess.bin("memlogd-exec").toString(),
                "-socket", logSocket.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("memlogd-exec still running after 30 s");
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void exitsWithTheCommandsExitCode() throws Exception {
        Run run = exec("demo-exit", "echo out; echo err >&2; exit 7");

        assertEquals(7, run.exitCode(), run::toString);
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void sendsStdoutAsNameDotOutAndStderrAsName() throws Exception {
        exec("demo", "echo out; echo err >&2; exit 7");
        daemon.awaitDump(d -> DaemonProcess.contains(d, "demo.out", "out") && DaemonProcess.contains(d, "demo", "err"),
                "demo.out;out and demo;err in a dump");

        Logread.Result dump = Logread.run("-socket", daemon.querySocket().toString());

        assertTrue(dump.lines().stream().anyMatch(l -> l.endsWith(";demo.out;out")), dump::describe);
        assertTrue(dump.lines().stream().anyMatch(l -> l.endsWith(";demo;err")), dump::describe);
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void copiesTheCommandsOutputToItsOwnStdoutAndStderr() throws Exception {
        Run run = exec("demo-copy", "echo out; echo err >&2; exit 7");

        assertEquals("out\n", run.stdout(), run::toString);
        assertEquals("err\n", run.stderr(), run::toString);
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void commandThatCannotStartExits127AndLeavesTheReasonInTheLog() throws Exception {

        Run run = run(daemon.logSocket(), "-n", "missing", "/no/such/command");

        assertEquals(127, run.exitCode(), run::toString);
        assertTrue(run.stderr().contains("cannot run /no/such/command"), run::toString);
        daemon.awaitDump(d -> d.stream().anyMatch(e -> e.source().equals("missing")
                && e.msg().contains("cannot run /no/such/command")), "the reason under the source 'missing'");
    }

    /** LinuxKit's init logs to memlogd only when its socket exists; without it the command must still run. */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void withoutALogSocketTheCommandStillRunsAndItsOutputIsCopied() throws Exception {

        Run run = run(daemon.dir().resolve("no-such.sock"), "-n", "alone", "sh", "-c", "echo out; exit 3");

        assertEquals(3, run.exitCode(), run::toString);
        assertEquals("out\n", run.stdout(), run::toString);
        assertTrue(run.stderr().contains("without sending its output to memlogd"), run::toString);
    }
}

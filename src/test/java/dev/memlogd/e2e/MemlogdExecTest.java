package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code bin/memlogd-exec}, LinuxKit's command wrapper: {@code -socket LOG -n NAME cmd args...}. */
class MemlogdExecTest extends DaemonPerClass {
    /** What a finished memlogd-exec did. */
    private record Run(int exitCode, String stdout, String stderr) {
    }

    private static Run exec(String name, String script) throws Exception {
        Path out = Files.createTempFile(daemon.dir(), "exec-", ".out");
        Path err = Files.createTempFile(daemon.dir(), "exec-", ".err");
        Process process = new ProcessBuilder(DaemonProcess.bin("memlogd-exec").toString(),
                "-socket", daemon.logSocket().toString(), "-n", name, "sh", "-c", script)
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
}

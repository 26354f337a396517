package dev.memlogd.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

import dev.memlogd.testkit.LogSocketStandIn;
import picocli.CommandLine;

@Timeout(60)
class MemlogdExecCommandTest {
    @TempDir
    Path dir;
    private Path path;
    private LogSocketStandIn memlogd;

    private final ByteArrayOutputStream localOut = new ByteArrayOutputStream();
    private final ByteArrayOutputStream localErr = new ByteArrayOutputStream();
    private final StringWriter messages = new StringWriter();

    @RegisterExtension
    final TestWatcher printOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            System.err.println("--- local stdout:\n" + localOut.toString(StandardCharsets.UTF_8)
                    + "--- local stderr:\n" + localErr.toString(StandardCharsets.UTF_8)
                    + "--- messages:\n" + messages);
        }
    };

    @BeforeEach
    void bind() throws IOException {
        path = dir.resolve("log.sock");
        memlogd = LogSocketStandIn.bind(path);
    }

    @AfterEach
    void close() throws IOException {
        memlogd.close();
    }

    private int run(String... args) {
        CommandLine cl = new CommandLine(new MemlogdExecCommand(localOut, localErr));
        cl.setOut(new PrintWriter(messages, true));
        cl.setErr(new PrintWriter(messages, true));
        return cl.execute(args);
    }

    private static String[] args(String... args) {
        return args;
    }

    @Test
    void stdoutGoesToMemlogdAsNameDotOutAndStderrAsNameAndBothAreCopiedLocally() throws IOException {
        int code = run("-socket", path.toString(), "-n", "job", "sh", "-c", "echo out1; echo err1 >&2; exit 3");

        LogSocketStandIn.Source first = memlogd.receiveSource();
        LogSocketStandIn.Source second = memlogd.receiveSource();
        assertEquals(3, code);
        assertEquals("job.out", first.name());
        assertEquals("out1\n", first.text());
        assertEquals("job", second.name());
        assertEquals("err1\n", second.text());
        assertEquals("out1\n", localOut.toString(StandardCharsets.UTF_8));
        assertEquals("err1\n", localErr.toString(StandardCharsets.UTF_8));
        assertEquals("", messages.toString());
    }

    @Test
    void defaultNameIsTheCommandAsGivenLikeLinuxKit() throws IOException {
        int code = run("--socket=" + path, "/bin/sh", "-c", "true");

        assertEquals(0, code);
        assertEquals("/bin/sh.out", memlogd.receiveSource().name());
        assertEquals("/bin/sh", memlogd.receiveSource().name());
    }

    @Test
    void argumentsAndFlagsAfterTheCommandArePassedThrough() throws IOException {
        int code = run("-socket", path.toString(), "-n", "x", "sh", "-c", "printf '%s|' \"$@\"", "sh",
                "-la", "a b", "--help", "-n", "--", "@file");

        assertEquals(0, code);
        assertEquals("-la|a b|--help|-n|--|@file|", localOut.toString(StandardCharsets.UTF_8));
        assertEquals("-la|a b|--help|-n|--|@file|", memlogd.receiveSource().text());
    }

    @Test
    void doubleDashEndsOurFlags() throws IOException {
        int code = run("-socket", path.toString(), "-n", "dd", "--", "sh", "-c", "echo ok");

        assertEquals(0, code);
        assertEquals("ok\n", memlogd.receiveSource().text());
    }

    @Test
    void bytesArePassedThroughRaw() throws IOException {
        byte[] expected = {(byte) 0xff, 0, '\r', '\n', 'x'};

        int code = run("-socket", path.toString(), "-n", "raw", "sh", "-c", "printf '\\377\\000\\r\\nx'");

        assertEquals(0, code);
        assertArrayEquals(expected, memlogd.receiveSource().bytes());
        assertArrayEquals(expected, localOut.toByteArray());
    }

    @Test
    void commandThatCannotStartExits127AndSaysWhyLocallyAndInTheLog() throws IOException {
        Path missing = dir.resolve("no-such-command");

        int code = run("-socket", path.toString(), "-n", "boot", missing.toString());

        String expected = "memlogd-exec: cannot run " + missing + ": No such file or directory\n";
        assertEquals(MemlogdExecCommand.CANNOT_RUN, code);
        assertEquals(expected, messages.toString());
        LogSocketStandIn.Source out = memlogd.receiveSource();
        LogSocketStandIn.Source err = memlogd.receiveSource();
        assertEquals("", out.text());
        assertEquals(expected, err.text());
    }

    @Test
    void absentLogSocketStillRunsTheCommandWithOneWarning() {
        Path absent = dir.resolve("absent.sock");

        int code = run("-socket", absent.toString(), "-n", "solo", "sh", "-c", "echo out; echo err >&2; exit 5");

        assertEquals(5, code);
        assertEquals("out\n", localOut.toString(StandardCharsets.UTF_8));
        assertEquals("err\n", localErr.toString(StandardCharsets.UTF_8));
        assertEquals("memlogd-exec: no memlogd at " + absent + ": no such file; running sh without sending"
                + " its output to memlogd" + System.lineSeparator(), messages.toString());
    }

    /** Issue 10: running anyway was the only choice, and undocumented. */
    @Test
    void withRequireDaemonAnAbsentLogSocketIsAnErrorAndTheCommandDoesNotRun() {
        Path absent = dir.resolve("absent.sock");
        Path ran = dir.resolve("ran");

        int code = run("-socket", absent.toString(), "-require-daemon", "sh", "-c", "touch " + ran);

        assertEquals(MemlogdExecCommand.NO_DAEMON, code);
        assertFalse(java.nio.file.Files.exists(ran), "the command ran");
        assertEquals("memlogd-exec: no memlogd at " + absent + ": no such file; not running sh (-require-daemon)"
                + System.lineSeparator(), messages.toString());
    }

    @Test
    void outputLargerThanThePipeAndSocketBuffersIsCopiedWhole() throws Exception {
        // 2 MiB: more than a pipe (64 KiB) or a socketpair buffer holds, so memlogd must read meanwhile.
        CompletableFuture<LogSocketStandIn.Source> stdout = CompletableFuture.supplyAsync(this::receiveUnchecked);

        int code = run("-socket", path.toString(), "-n", "big", "sh", "-c",
                "head -c 2097152 /dev/zero | tr '\\0' 'a'");

        assertEquals(0, code);
        assertEquals(2 << 20, localOut.size());
        assertEquals(2 << 20, stdout.get(30, TimeUnit.SECONDS).bytes().length);
    }

    private LogSocketStandIn.Source receiveUnchecked() {
        try {
            return memlogd.receiveSource();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void noCommandIsAUsageError() {
        assertEquals(2, run("-socket", path.toString()));
    }

    @Test
    void helpAndVersionExitZero() {
        assertEquals(0, run("--help"));
        assertTrue(messages.toString().contains("Usage: memlogd-exec"), messages.toString());
        assertEquals(0, run("--version"));
    }
}

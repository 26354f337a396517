package dev.memlogd.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.memlogd.testkit.Processes;

/**
 * One of our client programs (logwrite, memlogd-forward) run from {@code bin/} as a real
 * process: stdin /dev/null, stdout discarded, stderr (its own messages) to a file that the
 * tests read and show when they fail. SIGKILL as the OOM killer would, SIGTERM as init does.
 */
class ProgramProcess implements AutoCloseable {
    private final String program;
    private final Process process;
    private final Path stderr;
    private final List<String> args;

    ProgramProcess(String program, List<String> args) throws IOException {
        this.program = program;
        List<String> command = new ArrayList<>();
        command.add(DaemonProcess.bin(program).toString());
        command.addAll(args);
        this.args = command;
        this.stderr = Files.createTempFile(program + "-", ".stderr");
        this.process = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr.toFile())
                .start();
    }

    long pid() {
        return process.pid();
    }

    /** What it said on stderr so far. */
    String said() throws IOException {
        return Files.readString(stderr, StandardCharsets.UTF_8);
    }

    /** Kills it with SIGKILL and waits for it to be gone. */
    void sigkill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM; returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError(program + " still running 30 s after SIGTERM\n" + describe());
        }
        return process.exitValue();
    }

    /** Its command line and what it said on stderr, for failure messages. */
    String describe() {
        try {
            return String.join(" ", args) + "\n--- " + program + " stderr:\n" + said();
        } catch (IOException e) {
            return String.join(" ", args) + " (stderr unreadable: " + e + ")";
        }
    }

    @Override
    public void close() throws Exception {
        Processes.stop(process, Duration.ofSeconds(10));
        Files.deleteIfExists(stderr);
    }
}

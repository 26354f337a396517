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
 * {@code bin/memlogd-forward} as a real process; its stderr (its own messages) goes to a file,
 * read by the tests and shown when they fail.
 */
final class ForwarderProcess implements AutoCloseable {
    private final Process process;
    private final Path stderr;
    private final List<String> args;

    private ForwarderProcess(Process process, Path stderr, List<String> args) {
        this.process = process;
        this.stderr = stderr;
        this.args = args;
    }

    /** Starts {@code bin/memlogd-forward -socket SOCKET -to TO -state-dir DIR -hostname test-vm FLAGS...}. */
    static ForwarderProcess start(Path socket, String to, Path stateDir, String... flags) throws IOException {
        List<String> command = new ArrayList<>(List.of(DaemonProcess.bin("memlogd-forward").toString(),
                "-socket", socket.toString(), "-to", to, "-state-dir", stateDir.toString(), "-hostname", "test-vm"));
        command.addAll(List.of(flags));
        Path stderr = Files.createTempFile("memlogd-forward-", ".stderr");
        Process process = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr.toFile())
                .start();
        return new ForwarderProcess(process, stderr, command);
    }

    /** What it said on stderr so far. */
    String said() throws IOException {
        return Files.readString(stderr, StandardCharsets.UTF_8);
    }

    void sigkill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM; returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("memlogd-forward still running 30 s after SIGTERM\n" + describe());
        }
        return process.exitValue();
    }

    /** Its command line and stderr, for failure messages. */
    String describe() {
        try {
            return String.join(" ", args) + "\n--- memlogd-forward stderr:\n" + said();
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

package dev.memlogd.e2e;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.memlogd.testkit.Processes;
import dev.memlogd.testkit.AsUser;
import dev.memlogd.testkit.TempDirs;

/**
 * Runs {@code $memlogd.home/bin/logread ARGS} as a real process.
 *
 * <p>The environment is this JVM's minus the locale variables ({@code LANG}, {@code LC_*}):
 * LinuxKit's init starts programs without a locale, and logread must still write the
 * daemon's UTF-8 unchanged, byte for byte.
 */
final class Logread {
    private static final Duration RUN_DEADLINE = Duration.ofSeconds(30);

    private Logread() {
    }

    /** What a finished logread did. */
    record Result(List<String> args, int exitCode, byte[] stdout, String stderr) {
        String stdoutText() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        /** stdout split into lines (no line terminators; a final newline does not add an empty line). */
        List<String> lines() {
            String text = stdoutText();
            if (text.isEmpty()) {
                return List.of();
            }
            return Arrays.asList((text.endsWith("\n") ? text.substring(0, text.length() - 1) : text)
                    .split("\n", -1));
        }

        /** The whole run, for failure messages. */
        String describe() {
            return "logread " + args + " exited " + exitCode + "\n--- stdout:\n" + stdoutText()
                    + "\n--- stderr:\n" + stderr;
        }

        @Override
        public String toString() {
            return describe();
        }
    }

    /** Runs logread to its end (at most 30 s). */
    static Result run(String... args) throws IOException, InterruptedException {
        return run(builder(args), args);
    }

    /** Runs logread to its end (at most 30 s) as the user and group {@code id} ({@link AsUser}). */
    static Result runAs(int id, String... args) throws IOException, InterruptedException {
        ProcessBuilder builder = builder(args);
        builder.command(AsUser.command(id, builder.command()));
        return run(builder, args);
    }

    private static Result run(ProcessBuilder builder, String... args) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("logread-");
        try {
            Path out = dir.resolve("stdout");
            Path err = dir.resolve("stderr");
            Process process = builder
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!process.waitFor(RUN_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor();
                throw new AssertionError("logread " + List.of(args) + " still running after "
                        + RUN_DEADLINE.toSeconds() + " s\n--- stdout:\n" + Files.readString(out)
                        + "\n--- stderr:\n" + Files.readString(err));
            }
            return new Result(List.of(args), process.exitValue(), Files.readAllBytes(out),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }

    /** Starts a logread that keeps running ({@code -f}, {@code -F}); read it with {@link Streaming#nextLine}. */
    static Streaming start(String... args) throws IOException {
        Path stderr = Files.createTempFile("logread-", ".stderr");
        Process process = builder(args).redirectError(stderr.toFile()).start();
        return new Streaming(List.of(args), process, stderr);
    }

    private static ProcessBuilder builder(String... args) {
        List<String> command = new ArrayList<>();
        command.add(DaemonProcess.bin("logread").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.equals("LANG") || name.startsWith("LC_"));
        return builder;
    }

    /**
     * A running logread. A thread copies its stdout, line by line, into a queue; {@link #nextLine}
     * takes from it with a deadline. {@link #close()} stops the process (SIGTERM, then SIGKILL).
     */
    static final class Streaming implements AutoCloseable {
        private static final String EOF = new String("EOF"); // identity marker
        private final List<String> args;
        private final Process process;
        private final Path stderr;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final Thread reader;

        private Streaming(List<String> args, Process process, Path stderr) {
            this.args = args;
            this.process = process;
            this.stderr = stderr;
            this.reader = new Thread(this::copyLines, "logread-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        private void copyLines() {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // The process was stopped: its stdout is gone.
            } finally {
                lines.add(EOF);
            }
        }

        /**
         * The next line logread printed.
         *
         * @throws AssertionError when none comes within {@code deadline}, or logread ended
         */
        String nextLine(Duration deadline) throws InterruptedException {
            String line = lines.poll(deadline.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) {
                throw new AssertionError("no line from logread " + args + " within " + deadline.toMillis() + " ms"
                        + describe());
            }
            if (line == EOF) {
                lines.add(EOF);
                throw new AssertionError("logread " + args + " ended" + describe());
            }
            return line;
        }

        /** The next line, or null when none comes within {@code wait}: for "nothing more arrives" checks. */
        String pollLine(Duration wait) throws InterruptedException {
            String line = lines.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            if (line == EOF) {
                lines.add(EOF);
                return null;
            }
            return line;
        }

        Process process() {
            return process;
        }

        private String describe() {
            String err;
            try {
                err = Files.readString(stderr, StandardCharsets.UTF_8);
            } catch (IOException e) {
                err = "(unreadable: " + e + ")";
            }
            return "\n--- " + (process.isAlive() ? "running" : "exited " + process.exitValue())
                    + "\n--- stderr:\n" + err;
        }

        @Override
        public void close() throws InterruptedException, IOException {
            Processes.stop(process, Duration.ofSeconds(10));
            Files.deleteIfExists(stderr);
        }
    }
}

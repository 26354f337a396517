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
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.memlogd.testkit.Await;
import dev.memlogd.testkit.ProcFs;
import dev.memlogd.testkit.Processes;

/**
 * {@code bin/logwrite} as a real process, following a daemon's query socket into a log
 * directory; its stderr (logwrite's own messages) goes to a file for the failure message.
 */
final class LogwriteProcess implements AutoCloseable {
    private final Process process;
    private final Path stderr;
    private final List<String> args;

    private LogwriteProcess(Process process, Path stderr, List<String> args) {
        this.process = process;
        this.stderr = stderr;
        this.args = args;
    }

    /** Starts {@code bin/logwrite -socket SOCKET -log-dir DIR FLAGS...}. */
    static LogwriteProcess start(Path socket, Path logDir, String... flags) throws IOException {
        List<String> command = new ArrayList<>(List.of(DaemonProcess.bin("logwrite").toString(),
                "-socket", socket.toString(), "-log-dir", logDir.toString()));
        command.addAll(List.of(flags));
        Path stderr = Files.createTempFile("logwrite-", ".stderr");
        Process process = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr.toFile())
                .start();
        return new LogwriteProcess(process, stderr, command);
    }

    /** CPU ticks (100 = one core busy) logwrite uses in a 1 s window. */
    long cpuTicksPerSecond() throws IOException {
        long before = ProcFs.cpuTicks(process.pid());
        Await.measurementWindow(Duration.ofSeconds(1));
        return ProcFs.cpuTicks(process.pid()) - before;
    }

    /** Kills it with SIGKILL, as the OOM killer would, and waits for it to be gone. */
    void sigkill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM; returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("logwrite still running 10 s after SIGTERM\n" + describe());
        }
        return process.exitValue();
    }

    /** Its command line and what it said on stderr, for failure messages. */
    String describe() {
        try {
            return String.join(" ", args) + "\n--- logwrite stderr:\n" + Files.readString(stderr, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return String.join(" ", args) + " (stderr unreadable: " + e + ")";
        }
    }

    @Override
    public void close() throws Exception {
        Processes.stop(process, Duration.ofSeconds(10));
        Files.deleteIfExists(stderr);
    }

    /**
     * The lines of a source's files in order: rotated files oldest first ({@code .log.N} …
     * {@code .log.0}), then {@code .log}. Gzipped files are not read.
     */
    static List<String> lines(Path logDir, String fileName) throws IOException {
        List<String> lines = new ArrayList<>();
        List<Path> rotated;
        try (Stream<Path> list = Files.list(logDir)) {
            rotated = list.filter(p -> p.getFileName().toString().matches(
                    java.util.regex.Pattern.quote(fileName + ".log.") + "[0-9]+"))
                    .sorted((a, b) -> Integer.compare(index(b), index(a)))
                    .collect(Collectors.toList());
        }
        for (Path file : rotated) {
            lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
        }
        Path current = logDir.resolve(fileName + ".log");
        if (Files.exists(current)) {
            lines.addAll(Files.readAllLines(current, StandardCharsets.UTF_8));
        }
        return lines;
    }

    private static int index(Path rotated) {
        String name = rotated.getFileName().toString();
        return Integer.parseInt(name.substring(name.lastIndexOf('.') + 1));
    }

    /** The messages of {@link #lines}: each line without its time and source. */
    static List<String> messages(Path logDir, String fileName, String source) throws IOException {
        return lines(logDir, fileName).stream()
                .filter(line -> line.contains(" " + source + " "))
                .map(line -> line.substring(line.indexOf(' ' + source + ' ') + source.length() + 2))
                .collect(Collectors.toList());
    }
}

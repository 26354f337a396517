package dev.memlogd.loadbench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.memlogd.testkit.Await;
import dev.memlogd.testkit.Processes;

/**
 * {@code --follower logwrite}: logwrite as memlogd's only reader, writing the bench's sources
 * to files (no rotation). Its progress is the bytes of those files: every line of a source has
 * the same length in the file ({@code <time> <source> <msg>\n}), so bytes tell lines exactly.
 */
final class LogwriteReader implements AutoCloseable {
    /** {@code 2026-11-30T03:00:23Z} and the two spaces. */
    private static final int FIXED_BYTES = 20 + 2;

    private final Process process;
    private final Path logDir;
    private final Path stderr;

    private LogwriteReader(Process process, Path logDir, Path stderr) {
        this.process = process;
        this.logDir = logDir;
        this.stderr = stderr;
    }

    /**
     * Starts {@code bin/logwrite} next to memlogd's launcher and waits until it follows the
     * daemon (holding ingest from then on, so no line is written before it reads).
     */
    static LogwriteReader start(Path memlogdLauncher, Path querySocket, Path dir) throws IOException {
        Path logDir = Files.createDirectories(dir.resolve("logs"));
        Path stderr = dir.resolve("logwrite.err");
        Process process = new ProcessBuilder(memlogdLauncher.resolveSibling("logwrite").toString(),
                "-socket", querySocket.toString(), "-log-dir", logDir.toString(), "-max-log-size", "1099511627776")
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr.toFile())
                .start();
        LogwriteReader reader = new LogwriteReader(process, logDir, stderr);
        Await.await(() -> Files.readString(stderr, StandardCharsets.UTF_8).contains("following memlogd"),
                Duration.ofSeconds(30), "logwrite following memlogd (its stderr: " + stderr + ")");
        return reader;
    }

    /** Lines of the bench's sources in the files now. */
    long lines(int sources, int lineBytes) throws IOException {
        long lines = 0;
        for (int i = 0; i < sources; i++) {
            String name = Verifier.sourceName(i);
            Path file = logDir.resolve(name + ".log");
            if (Files.exists(file)) {
                lines += Files.size(file) / (FIXED_BYTES + name.length() + lineBytes);
            }
        }
        return lines;
    }

    long cpuNanos() throws IOException {
        return BenchDaemon.processCpuNanos(process.pid());
    }

    /** What logwrite said on stderr, for a run that did not complete. */
    List<String> messages() throws IOException {
        return Files.readAllLines(stderr, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        Processes.stop(process, Duration.ofSeconds(10));
    }
}

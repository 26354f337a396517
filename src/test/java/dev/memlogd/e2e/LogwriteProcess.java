package dev.memlogd.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.memlogd.testkit.Await;
import dev.memlogd.testkit.ProcFs;

/**
 * {@code bin/logwrite} as a real process ({@link ProgramProcess}), following a daemon's query
 * socket into a log directory.
 */
final class LogwriteProcess extends ProgramProcess {
    private LogwriteProcess(List<String> args) throws IOException {
        super("logwrite", args);
    }

    /** Starts {@code bin/logwrite -socket SOCKET -log-dir DIR FLAGS...}. */
    static LogwriteProcess start(Path socket, Path logDir, String... flags) throws IOException {
        List<String> args = new ArrayList<>(List.of("-socket", socket.toString(), "-log-dir", logDir.toString()));
        args.addAll(List.of(flags));
        return new LogwriteProcess(args);
    }

    /** CPU ticks (100 = one core busy) logwrite uses in a 1 s window. */
    long cpuTicksPerSecond() throws IOException {
        long before = ProcFs.cpuTicks(pid());
        Await.measurementWindow(Duration.ofSeconds(1));
        return ProcFs.cpuTicks(pid()) - before;
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

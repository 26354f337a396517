package dev.memlogd.logwrite;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.core.wire.LogwriteFormat;

/**
 * A log directory under test: its options, logwrite's own messages captured, entries made up
 * and the lines they become. Opening again after dropping a {@link LogDir} without
 * {@link LogDir#close()} is what a SIGKILL leaves.
 */
final class LogDirFixture {
    static final String TIME = "2026-11-30T02:54:11Z";

    final Path dir;
    final LogwriteOptions options;
    private final ByteArrayOutputStream said = new ByteArrayOutputStream();
    final Log log = new Log(new PrintStream(said, true, StandardCharsets.UTF_8));

    LogDirFixture(Path dir, int maxLogFiles, long maxLogSize, boolean compress) {
        this.dir = dir;
        this.options = new LogwriteOptions(Path.of("unused.sock"), dir, maxLogFiles, maxLogSize, 1000, compress,
                5000, 2000);
    }

    LogDir open() throws IOException {
        return LogDir.open(dir, options, log);
    }

    /** What logwrite said on stderr so far. */
    String said() {
        return said.toString(StandardCharsets.UTF_8);
    }

    static LogEntry entry(long seq, String source) {
        return new LogEntry(TIME, source, "entry " + seq + " of " + source, seq, false, -1);
    }

    /** The file line of {@link #entry}. */
    static String line(long seq, String source) {
        return LogwriteFormat.line(entry(seq, source));
    }

    /** The lines of {@code source}'s entries {@code from} to {@code to} (seqs, inclusive). */
    static String lines(String source, long from, long to) {
        StringBuilder sb = new StringBuilder();
        for (long seq = from; seq <= to; seq++) {
            sb.append(line(seq, source));
        }
        return sb.toString();
    }

    /** Appends the entries {@code from} to {@code to} of {@code source}, flushing after each. */
    static void append(LogDir logDir, String source, long from, long to) throws IOException {
        for (long seq = from; seq <= to; seq++) {
            logDir.append(entry(seq, source));
            logDir.flush();
        }
    }

    String read(String fileName) throws IOException {
        return Files.readString(dir.resolve(fileName), StandardCharsets.UTF_8);
    }

    /** {@code <name>.log.N} oldest first, then {@code <name>.log}: every plain file of the source. */
    List<Path> plainFilesOldestFirst(String name) {
        List<Path> files = new ArrayList<>();
        for (int i = 999; i >= 0; i--) {
            Path rotated = dir.resolve(name + ".log." + i);
            if (Files.exists(rotated, LinkOption.NOFOLLOW_LINKS)) {
                files.add(rotated);
            }
        }
        Path current = dir.resolve(name + ".log");
        if (Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
            files.add(current);
        }
        return files;
    }

    /** The contents of {@link #plainFilesOldestFirst}, concatenated. */
    String concatenated(String name) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Path file : plainFilesOldestFirst(name)) {
            sb.append(Files.readString(file, StandardCharsets.UTF_8));
        }
        return sb.toString();
    }
}

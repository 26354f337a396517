package dev.memlogd.logwrite;

import dev.memlogd.core.logdir.Checkpoint;
import dev.memlogd.core.logdir.LogFileNames;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.memlogd.core.wire.EntryJsonParser;

/**
 * Byte for byte what LinuxKit's own logwrite wrote from the same entries (the pinned corpus in
 * {@code src/test/resources/linuxkit-corpus}, its README says how it was made): file names,
 * contents, rotation points, empty files left by a last rotation, skipped {@code logwrite*} sources.
 */
class LinuxKitCorpusTest {
    private static final Path CORPUS = Path.of("src/test/resources/linuxkit-corpus");

    @TempDir
    Path dir;

    /**
     * Writes the corpus input into {@link #dir} as logwrite's loop does with LinuxKit's daemon:
     * each line by the fast path if it takes it, else parsed; a flush every 50 entries.
     */
    private void writeInput(int maxLogFiles, long maxLogSize) throws IOException {
        LogwriteOptions options = new LogwriteOptions(Path.of("unused"), dir, maxLogFiles, maxLogSize, 1000, false,
                5000, 2000);
        LogDir logDir = LogDir.open(dir, options, new Log(new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8)));
        List<String> input = Files.readAllLines(CORPUS.resolve("input.jsonl"), StandardCharsets.UTF_8);
        JsonEntryBytes fast = new JsonEntryBytes();
        for (int i = 0; i < input.size(); i++) {
            byte[] line = input.get(i).getBytes(StandardCharsets.UTF_8);
            if (fast.parse(line, 0, line.length)) {
                logDir.append(fast);
            } else {
                logDir.append(EntryJsonParser.parse(input.get(i)));
            }
            if (i % 50 == 49) {
                logDir.flush();
            }
        }
        logDir.close();
    }

    private static TreeSet<String> files(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(Checkpoint.FILE_NAME))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private void assertSameFiles(Path expected) throws IOException {
        assertEquals(files(expected), files(dir), "file names");
        assertAll(files(expected).stream().map(name -> () -> assertArrayEquals(
                Files.readAllBytes(expected.resolve(name)), Files.readAllBytes(dir.resolve(name)), name)));
    }

    @Test
    void rotatedAt400BytesWithThreeFilesIsByteIdenticalToLinuxKits() throws IOException {
        writeInput(3, 400);

        assertSameFiles(CORPUS.resolve("rotated"));
    }

    @Test
    void withLinuxKitsDefaultsIsByteIdenticalToLinuxKits() throws IOException {
        writeInput(10, 1 << 20);

        assertSameFiles(CORPUS.resolve("default"));
    }
}

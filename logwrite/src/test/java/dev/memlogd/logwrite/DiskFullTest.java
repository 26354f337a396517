package dev.memlogd.logwrite;

import dev.memlogd.core.logdir.Checkpoint;
import dev.memlogd.core.logdir.LogFileNames;
import static dev.memlogd.logwrite.LogDirFixture.append;
import static dev.memlogd.logwrite.LogDirFixture.entry;
import static dev.memlogd.logwrite.LogDirFixture.lines;
import static dev.memlogd.logwrite.LogDirTest.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk, on a real 64 KiB tmpfs: no partial line, dropped lines counted and said once,
 * one marker with the count when there is room again, and the previous checkpoint kept.
 *
 * <p>A batch here is {@value #BATCH} lines (about 11 KiB): more than the room left in a file's
 * last page plus one free page, so writing it always needs a page the file system lacks.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DiskFullTest {
    private static final int BATCH = 300;
    /** The marker line as a regular expression: the count, then the reason. */
    private static final String MARKER = "\\S+ logwrite logwrite: %d lines could not be written to this file from \\S+"
            + " to \\S+ \\(%s\\)\n";

    @TempDir
    Path tmp;
    private Tmpfs tmpfs;
    private LogDirFixture f;
    private final List<LogDir> opened = new ArrayList<>();

    @BeforeEach
    void mountSmallFileSystem() throws IOException, InterruptedException {
        tmpfs = Tmpfs.mount(tmp.resolve("fs"), 16 * Tmpfs.PAGE);
        f = new LogDirFixture(tmpfs.dir, 10, 1 << 20, false);
    }

    @AfterEach
    void unmount() throws IOException, InterruptedException {
        for (LogDir logDir : opened) {
            logDir.close();
        }
        if (tmpfs != null) {
            tmpfs.close();
        }
    }

    private LogDir open() throws IOException {
        LogDir logDir = f.open();
        opened.add(logDir);
        return logDir;
    }

    /** Appends the entries {@code from} to {@code to} of {@code source}, then one flush: one write. */
    private static void batch(LogDir logDir, String source, long from, long to) {
        try {
            for (long seq = from; seq <= to; seq++) {
                logDir.append(entry(seq, source));
            }
        } catch (IOException e) {
            throw new AssertionError("append does not write, so it cannot fail for lack of space", e);
        }
        logDir.flush();
    }

    @Test
    void writeThatFailsForLackOfSpaceLeavesNoPartialLine() throws IOException {
        LogDir logDir = open();
        append(logDir, "a", 0, 2);
        tmpfs.fill("filler");

        batch(logDir, "a", 3, 2 + BATCH);

        assertEquals(lines("a", 0, 2), f.read("a.log"));
    }

    @Test
    void linesThatCannotBeWrittenAreSaidOnceNotPerBatch() throws IOException {
        LogDir logDir = open();
        append(logDir, "a", 0, 2);
        tmpfs.fill("filler");

        batch(logDir, "a", 3, 2 + BATCH);
        batch(logDir, "a", 3 + BATCH, 2 + 2 * BATCH);

        assertEquals(1, count(f.said(), "cannot write a.log"), f.said());
        assertTrue(f.said().contains("No space left on device"), f.said());
    }

    @Test
    void linesThatCannotBeWrittenAreCountedInTheCheckpoint() throws IOException {
        LogDir logDir = open();
        append(logDir, "a", 0, 2);
        Tmpfs.freeOnePage(tmpfs.fill("filler")); // room for the checkpoint, not for a batch

        batch(logDir, "a", 3, 2 + BATCH);
        for (long seq = 3 + BATCH; seq <= 2 + 2 * BATCH; seq++) {
            logDir.append(entry(seq, "a")); // and its flush fails too, so the count stays for the checkpoint
        }
        logDir.checkpoint();

        Checkpoint checkpoint = Checkpoint.read(f.dir);
        assertEquals(1, checkpoint.unwritten().size(), checkpoint.toString());
        assertEquals("a", checkpoint.unwritten().get(0).name());
        assertEquals(2 * BATCH, checkpoint.unwritten().get(0).lines());
        assertEquals(lines("a", 0, 2), f.read("a.log"));
    }

    @Test
    void countInTheCheckpointIsReportedInTheFileAfterARestart() throws IOException {
        LogDir before = open();
        append(before, "a", 0, 2);
        Path filler = tmpfs.fill("filler");
        Tmpfs.freeOnePage(filler);
        batch(before, "a", 3, 2 + BATCH);
        for (long seq = 3 + BATCH; seq <= 2 + 2 * BATCH; seq++) {
            before.append(entry(seq, "a"));
        }
        before.checkpoint();
        // Dropped without close(): what a SIGKILL leaves.
        Files.delete(filler);

        LogDir after = open();
        batch(after, "a", 3 + 2 * BATCH, 3 + 2 * BATCH);

        String expected = "\\Q" + lines("a", 0, 2) + "\\E" + String.format(MARKER, 2 * BATCH,
                "before logwrite restarted") + "\\Q" + lines("a", 3 + 2 * BATCH, 3 + 2 * BATCH) + "\\E";
        assertTrue(f.read("a.log").matches(expected), f.read("a.log"));
    }

    @Test
    void whenThereIsRoomAgainTheFileGetsOneMarkerWithTheCountThenTheNewLines() throws IOException {
        LogDir logDir = open();
        append(logDir, "a", 0, 2);
        Path filler = tmpfs.fill("filler");
        batch(logDir, "a", 3, 2 + BATCH);
        batch(logDir, "a", 3 + BATCH, 2 + 2 * BATCH);

        Files.delete(filler);
        batch(logDir, "a", 3 + 2 * BATCH, 5 + 2 * BATCH);

        String expected = "\\Q" + lines("a", 0, 2) + "\\E" + String.format(MARKER, 2 * BATCH, "No space left on device")
                + "\\Q" + lines("a", 3 + 2 * BATCH, 5 + 2 * BATCH) + "\\E";
        assertTrue(f.read("a.log").matches(expected), f.read("a.log"));
    }

    /** Bug: the message was never cleared once writes worked again, so a second full disk went unsaid. */
    @Test
    void diskFullAgainAfterWritesWorkedAgainIsSaidAgain() throws IOException {
        LogDir logDir = open();
        append(logDir, "a", 0, 2);
        Path filler = tmpfs.fill("filler");
        batch(logDir, "a", 3, 2 + BATCH);
        Files.delete(filler);
        batch(logDir, "a", 3 + BATCH, 3 + BATCH);

        tmpfs.fill("filler");
        batch(logDir, "a", 4 + BATCH, 3 + 2 * BATCH);

        assertEquals(2, count(f.said(), "cannot write a.log"), f.said());
    }

    @Test
    void filesWrittenBeforeTheDiskFilledAreUnchanged() throws IOException {
        LogDir logDir = open();
        append(logDir, "b", 0, 2);
        append(logDir, "a", 3, 5);
        Path filler = tmpfs.fill("filler");
        batch(logDir, "a", 6, 5 + BATCH);

        Files.delete(filler);
        batch(logDir, "a", 6 + BATCH, 8 + BATCH);
        logDir.checkpoint();

        assertEquals(lines("b", 0, 2), f.read("b.log"));
    }

    @Test
    void checkpointThatCannotBeWrittenLeavesThePreviousOne() throws IOException {
        LogDir logDir = open();
        append(logDir, "a", 0, 2);
        logDir.checkpoint();
        byte[] previous = Files.readAllBytes(f.dir.resolve(Checkpoint.FILE_NAME));
        tmpfs.fill("filler");

        append(logDir, "a", 3, 5); // fits in the room a.log's last page has: the checkpoint does not
        logDir.checkpoint();

        assertEquals(new String(previous), Files.readString(f.dir.resolve(Checkpoint.FILE_NAME)));
        assertEquals(2, Checkpoint.read(f.dir).seq());
        assertTrue(Files.notExists(f.dir.resolve(Checkpoint.FILE_NAME + ".tmp")), "temporary file left");
        assertTrue(f.said().contains("cannot write the checkpoint"), f.said());
    }

    @Test
    void afterACheckpointFailedForLackOfSpaceReopeningResumesFromThePreviousOne() throws IOException {
        LogDir logDir = open();
        append(logDir, "a", 0, 2);
        logDir.checkpoint();
        tmpfs.fill("filler");
        append(logDir, "a", 3, 5);
        logDir.checkpoint();

        LogDir reopened = open();

        assertEquals(2, reopened.seq());
        assertEquals(lines("a", 0, 2), f.read("a.log"));
    }
}

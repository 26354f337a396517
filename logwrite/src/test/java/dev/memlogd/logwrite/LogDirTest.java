package dev.memlogd.logwrite;

import dev.memlogd.core.logdir.Checkpoint;
import dev.memlogd.core.logdir.LogFileNames;
import static dev.memlogd.logwrite.LogDirFixture.append;
import static dev.memlogd.logwrite.LogDirFixture.entry;
import static dev.memlogd.logwrite.LogDirFixture.line;
import static dev.memlogd.logwrite.LogDirFixture.lines;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recovery from a crash, rotation, compression and markers of {@link LogDir}, on real files. */
class LogDirTest {
    private static final long BIG = 1 << 20;

    @TempDir
    Path tmp;

    private LogDirFixture fixture(int maxLogFiles, long maxLogSize, boolean compress) throws IOException {
        return new LogDirFixture(Files.createDirectories(tmp.resolve("log")), maxLogFiles, maxLogSize, compress);
    }

    /**
     * Entries 0-4 of a and 5-9 of b, a checkpoint, then 10-12 of a and 13-15 of b written, and
     * the LogDir dropped without close(): what a SIGKILL leaves.
     */
    private static void crashAfterACheckpointAtSeq9(LogDirFixture f) throws IOException {
        LogDir before = f.open();
        append(before, "a", 0, 4);
        append(before, "b", 5, 9);
        before.checkpoint();
        append(before, "a", 10, 12);
        append(before, "b", 13, 15);
    }

    @Test
    void reopeningAfterACrashCutsEachFileBackToTheCheckpoint() throws IOException {
        LogDirFixture f = fixture(10, BIG, false);
        crashAfterACheckpointAtSeq9(f);

        LogDir after = f.open();

        assertEquals(9, after.seq());
        assertEquals(lines("a", 0, 4), f.read("a.log"));
        assertEquals(lines("b", 5, 9), f.read("b.log"));
    }

    @Test
    void entriesAskedForAgainAfterACrashAreEachWrittenOnce() throws IOException {
        LogDirFixture f = fixture(10, BIG, false);
        crashAfterACheckpointAtSeq9(f);

        LogDir after = f.open();
        append(after, "a", after.seq() + 1, 12);
        append(after, "b", 13, 15);
        after.close();

        assertEquals(lines("a", 0, 4) + lines("a", 10, 12), f.read("a.log"));
        assertEquals(lines("b", 5, 9) + lines("b", 13, 15), f.read("b.log"));
    }

    @Test
    void whileNoCheckpointCanBeWrittenRotationWaitsAndACrashLosesNothingCheckpointed() throws IOException {
        LogDirFixture f = fixture(10, 100, false);
        LogDir before = f.open();
        append(before, "a", 0, 10);
        before.checkpoint();
        int filesAtCheckpoint = f.plainFilesOldestFirst("a").size();
        // From here no checkpoint can be written (the temporary file's name is taken by a
        // directory that cannot be deleted). Rotating now would move the file the checkpoint
        // vouches for out of recovery's reach for good; so it waits, and the file grows.
        Path blocker = blockCheckpoints(f);
        append(before, "a", 11, 25);
        int filesWhileBlocked = f.plainFilesOldestFirst("a").size();
        unblock(blocker);

        f.open();

        assertEquals(filesAtCheckpoint, filesWhileBlocked, "no rotation without a checkpoint");
        assertEquals(lines("a", 0, 10), f.concatenated("a"));
        assertEquals(filesAtCheckpoint, f.plainFilesOldestFirst("a").size());
    }

    @Test
    void partOfALineLeftByACrashMidWriteIsCutOff() throws IOException {
        LogDirFixture f = fixture(10, BIG, false);
        LogDir before = f.open();
        append(before, "a", 0, 2);
        before.checkpoint();
        Files.writeString(f.dir.resolve("a.log"), line(3, "a").substring(0, 10), StandardOpenOption.APPEND);

        f.open();

        assertEquals(lines("a", 0, 2), f.read("a.log"));
    }

    @Test
    void newSourceIsListedInTheCheckpointBeforeItsFirstLineIsWritten() throws IOException {
        LogDirFixture f = fixture(10, BIG, false);
        LogDir logDir = f.open();

        logDir.append(entry(0, "a"));
        logDir.flush();

        Checkpoint checkpoint = Checkpoint.read(f.dir);
        assertEquals(line(0, "a"), f.read("a.log"));
        assertEquals(new Checkpoint.FileState(SourceFile.inode(f.dir.resolve("a.log")), 0, "a"),
                checkpoint.files().get(0));
        assertEquals(-1, checkpoint.seq());
    }

    @Test
    void symbolicLinkInPlaceOfALogFileIsNotFollowed() throws IOException {
        LogDirFixture f = fixture(10, BIG, false);
        Path outside = Files.writeString(tmp.resolve("outside"), "precious\n");
        Files.createSymbolicLink(f.dir.resolve("a.log"), outside);
        LogDir logDir = f.open();

        append(logDir, "a", 0, 2);
        logDir.close();

        assertEquals("precious\n", Files.readString(outside));
        assertEquals(outside, Files.readSymbolicLink(f.dir.resolve("a.log")));
    }

    @Test
    void danglingSymbolicLinkInPlaceOfALogFileCreatesNothing() throws IOException {
        LogDirFixture f = fixture(10, BIG, false);
        Path outside = tmp.resolve("outside");
        Files.createSymbolicLink(f.dir.resolve("a.log"), outside);
        LogDir logDir = f.open();

        append(logDir, "a", 0, 2);
        logDir.close();

        assertTrue(Files.notExists(outside), "created through the link");
    }

    /** Bug: said once per dropped line, and logwrite's stderr goes to memlogd: a flood of its ring. */
    @Test
    void linesForASymbolicallyLinkedFileAreDroppedAndSaidOnceNotPerLine() throws IOException {
        LogDirFixture f = fixture(10, BIG, false);
        Path outside = Files.writeString(tmp.resolve("outside"), "precious\n");
        Files.createSymbolicLink(f.dir.resolve("a.log"), outside);
        LogDir logDir = f.open();

        append(logDir, "a", 0, 2);
        append(logDir, "b", 3, 3);
        logDir.close();

        assertEquals(1, count(f.said(), "cannot open a.log"), f.said());
        assertEquals(line(3, "b"), f.read("b.log"));
        assertEquals(3, Checkpoint.read(f.dir).seq(), "the seq moves past dropped lines");
    }

    @Test
    void markerGoesIntoEveryFileTheCheckpointKnows() throws IOException {
        LogDirFixture f = fixture(10, BIG, false);
        LogDir first = f.open();
        append(first, "a", 0, 0);
        append(first, "b", 1, 1);
        first.close();
        LogDir second = f.open();

        second.marker("memlogd restarted");
        second.close();

        for (String source : new String[] {"a", "b"}) {
            String[] lines = f.read(source + ".log").split("\n");
            assertEquals(2, lines.length, source);
            assertTrue(lines[1].endsWith(" logwrite memlogd restarted"), lines[1]);
        }
    }

    @Test
    void compressedRotatedFilesHoldExactlyTheRotatedBytes() throws IOException {
        LogDirFixture plain = new LogDirFixture(Files.createDirectories(tmp.resolve("plain")), 3, 100, false);
        LogDirFixture gz = new LogDirFixture(Files.createDirectories(tmp.resolve("gz")), 3, 100, true);
        for (LogDirFixture f : new LogDirFixture[] {plain, gz}) {
            LogDir logDir = f.open();
            append(logDir, "a", 0, 31);
            logDir.close();
        }

        assertEquals(Set.of("a.log", "a.log.0.gz", "a.log.1.gz", "a.log.2.gz"), names(gz.dir));
        assertEquals(plain.read("a.log"), gz.read("a.log"));
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(Files.readAllBytes(plain.dir.resolve("a.log." + i)),
                    gunzip(gz.dir.resolve("a.log." + i + ".gz")), "a.log." + i);
        }
    }

    @Test
    void withNoRotatedFilesKeptARotationEmptiesTheFile() throws IOException {
        LogDirFixture f = fixture(0, 100, true);
        LogDir logDir = f.open();

        append(logDir, "a", 0, 3);
        logDir.close();

        assertEquals(Set.of("a.log"), names(f.dir));
        assertEquals(line(3, "a"), f.read("a.log"), "the first three lines took it past 100 bytes");
    }

    private static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).filter(n -> !n.equals(Checkpoint.FILE_NAME))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static byte[] gunzip(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return in.readAllBytes();
        }
    }

    static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void newFileIsNotWrittenToWhenNoCheckpointCanListItAndItsLinesAreCounted() throws IOException {
        LogDirFixture f = fixture(10, BIG, false);
        LogDir logDir = f.open();
        append(logDir, "a", 0, 1);
        Path blocker = blockCheckpoints(f);

        append(logDir, "b", 2, 4);
        String whileBlocked = f.read("b.log");
        unblock(blocker);
        append(logDir, "b", 5, 5);

        assertEquals("", whileBlocked, "written before a checkpoint listed it");
        assertTrue(f.read("b.log").matches("\\S+ logwrite logwrite: 3 lines could not be written to this file from"
                + " \\S+ to \\S+ \\(the checkpoint listing it could not be written\\)\n"
                + "\\Q" + lines("b", 5, 5) + "\\E"), f.read("b.log"));
    }

    @Test
    void linesDroppedForAFileThatCouldNotBeOpenedAreReportedOnceItCanBe() throws IOException {
        LogDirFixture f = fixture(10, BIG, false);
        Path outside = Files.writeString(tmp.resolve("outside"), "precious\n");
        Files.createSymbolicLink(f.dir.resolve("a.log"), outside);
        LogDir logDir = f.open();
        append(logDir, "a", 0, 2);

        Files.delete(f.dir.resolve("a.log"));
        append(logDir, "a", 3, 3);

        assertTrue(f.read("a.log").matches("\\S+ logwrite logwrite: 3 lines could not be written to this file from"
                + " \\S+ to \\S+ \\(the file could not be opened\\)\n\\Q" + lines("a", 3, 3) + "\\E"), f.read("a.log"));
    }

    @Test
    void reopeningWithCompressFinishesACompressionACrashInterrupted() throws IOException {
        LogDirFixture f = fixture(10, 150, true);
        LogDir before = f.open();
        append(before, "a", 0, 12);
        before.close();
        Path gz0 = f.dir.resolve("a.log.0.gz");
        byte[] rotated = gunzip(gz0);
        // As a crash leaves it: the plain file back, and for index 1 both files.
        Files.write(f.dir.resolve("a.log.0"), rotated);
        Files.delete(gz0);
        Files.write(f.dir.resolve("a.log.1"), gunzip(f.dir.resolve("a.log.1.gz")));

        f.open().close();

        assertTrue(Files.notExists(f.dir.resolve("a.log.0")) && Files.notExists(f.dir.resolve("a.log.1")),
                "plain rotated files left");
        assertArrayEquals(rotated, gunzip(gz0));
    }

    /**
     * From here no checkpoint can be written: its temporary file's name is taken by a directory
     * that cannot be deleted. Returns that directory, for {@link #unblock}.
     */
    private static Path blockCheckpoints(LogDirFixture f) throws IOException {
        Path blocker = Files.createDirectories(f.dir.resolve(Checkpoint.FILE_NAME + ".tmp"));
        Files.writeString(blocker.resolve("x"), "x");
        return blocker;
    }

    private static void unblock(Path blocker) throws IOException {
        Files.delete(blocker.resolve("x"));
        Files.delete(blocker);
    }
}

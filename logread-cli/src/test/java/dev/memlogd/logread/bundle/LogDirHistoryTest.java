package dev.memlogd.logread.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.memlogd.core.logdir.Checkpoint;

class LogDirHistoryTest {
    @TempDir
    Path dir;

    private static long inode(Path p) throws IOException {
        return ((Number) Files.getAttribute(p, "unix:ino")).longValue();
    }

    private static String read(LogDirHistory.Snapshot snapshot) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (InputStream part : snapshot.parts()) {
            sb.append(new String(part.readAllBytes(), StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    @Test
    void readsRotatedFilesOldestFirstThenTheLiveFileUpToItsCheckpointedLength() throws Exception {
        Files.writeString(dir.resolve("web.log.1"), "a\n");
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(dir.resolve("web.log.2.gz")))) {
            gz.write("old\n".getBytes(StandardCharsets.UTF_8));
        }
        Files.writeString(dir.resolve("web.log.0"), "b\n");
        Path live = Files.writeString(dir.resolve("web.log"), "c\nd-after-the-checkpoint\n");
        new Checkpoint("daemon-1", 41, List.of(new Checkpoint.FileState(inode(live), 2, "web")), List.of()).write(dir);

        LogDirHistory history = new LogDirHistory(dir);
        Map<String, List<Path>> files = history.files();
        assertEquals(List.of("web"), List.copyOf(files.keySet()), "the checkpoint file is not a source");
        try (LogDirHistory.Snapshot snapshot = history.snapshot("web", files.get("web"))) {
            assertEquals("old\na\nb\nc\n", read(snapshot));
            assertEquals(41, snapshot.checkpoint().seq());
            assertEquals("daemon-1", snapshot.checkpoint().daemon());
            assertNull(snapshot.note());
        }
    }

    @Test
    void afterARotationTheCheckpointedFileIsReadUnderItsNewNameAndNewerFilesAreLeftToTheRing() throws Exception {
        Path rotated = Files.writeString(dir.resolve("web.log.0"), "c\nd\n");
        Files.writeString(dir.resolve("web.log"), "e-newer-than-the-checkpoint\n");
        new Checkpoint("daemon-1", 7, List.of(new Checkpoint.FileState(inode(rotated), 4, "web")), List.of())
                .write(dir);
        LogDirHistory history = new LogDirHistory(dir);
        try (LogDirHistory.Snapshot snapshot = history.snapshot("web", history.files().get("web"))) {
            assertEquals("c\nd\n", read(snapshot));
        }
    }

    @Test
    void aSourceTheCheckpointDoesNotNameIsLeftToTheRingAndSaidSo() throws Exception {
        Path other = Files.writeString(dir.resolve("other.log"), "x\n");
        Files.writeString(dir.resolve("new.log"), "y\n");
        new Checkpoint("d", 3, List.of(new Checkpoint.FileState(inode(other), 2, "other")), List.of()).write(dir);
        LogDirHistory history = new LogDirHistory(dir);
        try (LogDirHistory.Snapshot snapshot = history.snapshot("new", history.files().get("new"))) {
            assertEquals("", read(snapshot));
            assertNotNull(snapshot.note());
        }
    }

    @Test
    void withoutACheckpointFilesAreReadWholeAndTheOverlapIsSaid() throws Exception {
        Files.writeString(dir.resolve("web.log"), "c\nd\n");
        LogDirHistory history = new LogDirHistory(dir);
        try (LogDirHistory.Snapshot snapshot = history.snapshot("web", history.files().get("web"))) {
            assertEquals("c\nd\n", read(snapshot));
            assertEquals(Checkpoint.NONE, snapshot.checkpoint());
            assertNotNull(snapshot.note());
        }
    }

    @Test
    void whileLogwriteGzipsARotatedFileThePlainCopyIsReadOnce() throws Exception {
        Path live = Files.writeString(dir.resolve("web.log"), "b\n");
        Files.writeString(dir.resolve("web.log.0"), "a\n");
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(dir.resolve("web.log.0.gz")))) {
            gz.write("a\n".getBytes(StandardCharsets.UTF_8));
        }
        new Checkpoint("d", 3, List.of(new Checkpoint.FileState(inode(live), 2, "web")), List.of()).write(dir);
        LogDirHistory history = new LogDirHistory(dir);
        try (LogDirHistory.Snapshot snapshot = history.snapshot("web", history.files().get("web"))) {
            assertEquals("a\nb\n", read(snapshot));
        }
    }
}

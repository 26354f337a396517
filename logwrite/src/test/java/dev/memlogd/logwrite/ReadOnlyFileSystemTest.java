package dev.memlogd.logwrite;

import static dev.memlogd.logwrite.LogDirFixture.append;
import static dev.memlogd.logwrite.LogDirFixture.lines;
import static dev.memlogd.logwrite.LogDirTest.count;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log directory on a file system mounted read-only after a clean stop (the kernel refuses to
 * remount read-only while logwrite has a file open for writing, so this is how it meets one).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadOnlyFileSystemTest {
    @TempDir
    Path tmp;
    private Tmpfs tmpfs;
    private LogDirFixture f;
    private LogDir logDir;

    @BeforeEach
    void writeThenRemountReadOnly() throws IOException, InterruptedException {
        tmpfs = Tmpfs.mount(tmp.resolve("fs"), 16 * Tmpfs.PAGE);
        f = new LogDirFixture(tmpfs.dir, 10, 1 << 20, false);
        LogDir before = f.open();
        append(before, "a", 0, 2);
        before.close();
        tmpfs.remountReadOnly();
    }

    @AfterEach
    void unmount() throws IOException, InterruptedException {
        if (logDir != null) {
            logDir.close();
        }
        if (tmpfs != null) {
            tmpfs.close();
        }
    }

    /** Bug: recovery opened every checkpointed file for writing, even with nothing to cut back. */
    @Test
    void logDirWithNothingToCutBackOpensOnAReadOnlyFileSystem() throws IOException {
        logDir = f.open();

        assertEquals(2, logDir.seq());
    }

    @Test
    void linesForAReadOnlyFileSystemAreDroppedAndSaidOnce() throws IOException {
        logDir = f.open();

        append(logDir, "a", 3, 5);

        assertEquals(lines("a", 0, 2), f.read("a.log"));
        assertEquals(1, count(f.said(), "cannot open a.log"), f.said());
    }
}

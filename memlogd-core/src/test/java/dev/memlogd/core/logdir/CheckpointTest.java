package dev.memlogd.core.logdir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint file: what is written is read back, and a damaged one is refused, never guessed at. */
class CheckpointTest {
    @TempDir
    Path dir;

    @Test
    void checkpointIsReadBackAsWritten() throws IOException {
        Checkpoint written = new Checkpoint("0c5e4a9e", 1042, List.of(new Checkpoint.FileState(17, 52817, "web.out"),
                new Checkpoint.FileState(18, 0, "%2E%2E%2Fx")), List.of(new Checkpoint.Unwritten("web.out", 12,
                        "2026-11-30T02:54:11Z")));

        written.write(dir);

        assertEquals(written, Checkpoint.read(dir));
    }

    /** Bug: an {@code unwritten} line was split at every space, so such a checkpoint stopped logwrite's start. */
    @Test
    void unwrittenLinesOfANameWithSpacesAreReadBack() throws IOException {
        Checkpoint written = new Checkpoint(null, 7, List.of(new Checkpoint.FileState(17, 3, "svc with space")),
                List.of(new Checkpoint.Unwritten("svc with space", 4, "2026-11-30T02:54:11Z")));

        written.write(dir);

        assertEquals(written, Checkpoint.read(dir));
    }

    @Test
    void noCheckpointYetReadsAsNone() throws IOException {
        assertEquals(Checkpoint.NONE, Checkpoint.read(dir));
    }

    @Test
    void damagedCheckpointIsRefused() throws IOException {
        Files.writeString(dir.resolve(Checkpoint.FILE_NAME), "logwrite-checkpoint 1\nseq twelve\n");

        assertThrows(IOException.class, () -> Checkpoint.read(dir));
    }
}

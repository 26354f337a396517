package dev.memlogd.logwrite;

import dev.memlogd.core.logdir.Checkpoint;
import dev.memlogd.core.logdir.LogFileNames;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link LogDir#open} does before anything is written: makes the directory agree with its
 * checkpoint. Every file the checkpoint lists is found by inode (wherever rotation has moved it
 * since) and cut back to its checkpointed length; the files rotated in after it, which hold
 * only lines written after the checkpoint, are removed; with {@code -compress}, a compression
 * a crash interrupted is finished. Files the checkpoint does not list are left alone.
 */
final class Recovery {
    private Recovery() {
    }

    /** Recovers {@code dir} from {@code checkpoint}. */
    static void recover(Path dir, Checkpoint checkpoint, LogwriteOptions options, Log log) throws IOException {
        for (Checkpoint.FileState file : checkpoint.files()) {
            recover(dir, file, options.maxLogFiles(), log);
        }
        if (options.compress() && options.maxLogFiles() > 0) {
            for (Checkpoint.FileState file : checkpoint.files()) {
                finishCompression(dir, file.name(), options.maxLogFiles(), log);
            }
        }
    }

    /**
     * A crash between a rotation and its compression leaves a plain {@code .log.N}; one after
     * the {@code .gz} was renamed into place (complete: it is fsynced before) leaves both.
     */
    static void finishCompression(Path dir, String name, int maxFiles, Log log) {
        SourceFile rotated = SourceFile.rotatedOnly(dir, name);
        for (int i = 0; i < maxFiles; i++) {
            if (Files.isRegularFile(rotated.rotated(i, false), LinkOption.NOFOLLOW_LINKS)) {
                try {
                    rotated.compressRotated(i);
                } catch (IOException e) {
                    log.say("cannot compress " + rotated.rotated(i, false).getFileName() + ": " + e);
                }
            }
        }
    }

    /** Cuts the checkpointed file back and removes files rotated in after it. */
    static void recover(Path dir, Checkpoint.FileState state, int maxFiles, Log log) throws IOException {
        List<Path> newestFirst = new ArrayList<>();
        newestFirst.add(dir.resolve(state.name() + ".log"));
        for (int i = 0; i < maxFiles; i++) {
            newestFirst.add(dir.resolve(state.name() + ".log." + i));
        }
        for (int k = 0; k < newestFirst.size(); k++) {
            Path candidate = newestFirst.get(k);
            if (!Files.isRegularFile(candidate, LinkOption.NOFOLLOW_LINKS)
                    || SourceFile.inode(candidate) != state.inode()) {
                continue;
            }
            // Opened for writing only to cut: with nothing to cut, a read-only file system still opens.
            if (Files.readAttributes(candidate, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size()
                    > state.length()) {
                try (var channel = FileChannel.open(candidate,
                        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                    log.say("cut " + candidate.getFileName() + " back from " + channel.size() + " to " + state.length()
                            + " bytes: what was written after the last checkpoint is asked for again");
                    channel.truncate(state.length());
                }
            }
            for (int newer = 0; newer < k; newer++) {
                if (Files.deleteIfExists(newestFirst.get(newer))) {
                    log.say("removed " + newestFirst.get(newer).getFileName() + ", rotated in after the last"
                            + " checkpoint: its lines are asked for again");
                }
            }
            return;
        }
    }
}

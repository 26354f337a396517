package dev.memlogd.core.logdir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replacing a small state file atomically and durably: the bytes go to {@code NAME.tmp} (created
 * new, never through a symbolic link), which is fsynced, renamed over {@code NAME}, and the
 * directory fsynced. After a crash or a power cut the file is the old one or the new one, whole.
 * Used by logwrite's {@link Checkpoint} and memlogd-forward's checkpoint. Stateless.
 */
public final class AtomicFile {
    private AtomicFile() {
    }

    /** Replaces {@code dir/name} with {@code bytes}; on failure the old file is left as it was. */
    public static void replace(Path dir, String name, byte[] bytes) throws IOException {
        Path tmp = dir.resolve(name + ".tmp");
        Files.deleteIfExists(tmp);
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(dir);
    }

    /** fsync of a directory: makes a rename in it durable. */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}

package dev.memlogd.logwrite;

import dev.memlogd.core.logdir.Checkpoint;
import dev.memlogd.core.logdir.LogFileNames;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.GZIPOutputStream;

/**
 * One source's current log file, {@code <name>.log}, and its rotated files
 * {@code <name>.log.0} … (or {@code .log.N.gz} with {@code -compress}).
 *
 * <p>Lines are buffered and written in one {@code write(2)} per batch ({@link #flush}), at
 * the file's known length, so that a write that fails (disk full, read-only file system) can
 * be cut back to the length before it: a file never holds part of a line. Lines that could not
 * be written are counted, and the next successful write starts with one marker line saying how
 * many, and since when. Files are opened without following symbolic links. Loop thread only.
 */
final class SourceFile {
    private final Path dir;
    private final String name;
    private final Path path;
    private FileChannel channel;
    private long inode;
    /** Bytes in the file. */
    private long length;
    private byte[] pending = new byte[4096];
    private int pendingBytes;
    private int pendingLines;
    private boolean dirty;
    private long unwrittenLines;
    private String unwrittenSince;
    private String lastError;

    private SourceFile(Path dir, String name) {
        this.dir = dir;
        this.name = name;
        this.path = dir.resolve(name + ".log");
    }

    /**
     * Opens (creating, mode 0644 under the umask as LinuxKit's) {@code <name>.log} in {@code dir}
     * for appending.
     *
     * @throws IOException when it cannot be opened, or is a symbolic link (never followed)
     */
    static SourceFile open(Path dir, String name) throws IOException {
        SourceFile file = new SourceFile(dir, name);
        file.openChannel();
        return file;
    }

    /** A handle on a source's rotated files only, without opening its {@code .log}. */
    static SourceFile rotatedOnly(Path dir, String name) {
        return new SourceFile(dir, name);
    }

    private void openChannel() throws IOException {
        channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        length = channel.size();
        inode = inode(path);
    }

    static long inode(Path file) throws IOException {
        return ((Number) Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue();
    }

    String name() {
        return name;
    }

    long inode() {
        return inode;
    }

    /** Bytes in the file, not counting lines buffered since the last flush. */
    long length() {
        return length;
    }

    /** What LinuxKit counts toward {@code -max-log-size}: the file and the buffered lines. */
    long logicalLength() {
        return length + pendingBytes;
    }

    /** Buffers the line {@code <time> <source> <msg>\n} from its parts, for the next flush. */
    void appendLine(byte[] time, int timeLength, byte[] source, int sourceLength, byte[] msg, int msgLength) {
        int n = timeLength + sourceLength + msgLength + 3;
        if (pendingBytes + n > pending.length) {
            pending = java.util.Arrays.copyOf(pending, Math.max(pending.length * 2, pendingBytes + n));
        }
        System.arraycopy(time, 0, pending, pendingBytes, timeLength);
        pendingBytes += timeLength;
        pending[pendingBytes++] = ' ';
        System.arraycopy(source, 0, pending, pendingBytes, sourceLength);
        pendingBytes += sourceLength;
        pending[pendingBytes++] = ' ';
        System.arraycopy(msg, 0, pending, pendingBytes, msgLength);
        pendingBytes += msgLength;
        pending[pendingBytes++] = '\n';
        pendingLines++;
    }

    /** Buffers one line (newline included) for the next flush. */
    void append(byte[] line) {
        if (pendingBytes + line.length > pending.length) {
            pending = java.util.Arrays.copyOf(pending, Math.max(pending.length * 2, pendingBytes + line.length));
        }
        System.arraycopy(line, 0, pending, pendingBytes, line.length);
        pendingBytes += line.length;
        pendingLines++;
    }

    /**
     * Writes the buffered lines, preceded by a marker if earlier lines could not be written.
     *
     * @param now the time for a marker, in the file format
     * @return the error, if the write failed (the lines are then counted as unwritten)
     */
    String flush(String now) {
        if (pendingBytes == 0 && unwrittenLines == 0) {
            return null;
        }
        byte[] marker = unwrittenLines == 0 ? new byte[0] : Markers.line(now, "logwrite: " + unwrittenLines
                + " lines could not be written to this file from " + unwrittenSince + " to " + now + " (" + lastError
                + ")");
        ByteBuffer out = marker.length == 0 ? ByteBuffer.wrap(pending, 0, pendingBytes)
                : ByteBuffer.allocate(marker.length + pendingBytes).put(marker).put(pending, 0, pendingBytes).flip();
        long at = length;
        try {
            while (out.hasRemaining()) {
                at += channel.write(out, at);
            }
            length = at;
            dirty = true;
            unwrittenLines = 0;
            unwrittenSince = null;
            clearPending();
            return null;
        } catch (IOException e) {
            cutBack();
            if (unwrittenLines == 0) {
                unwrittenSince = now;
            }
            unwrittenLines += pendingLines;
            lastError = e.getMessage() == null ? e.toString() : e.getMessage();
            clearPending();
            return lastError;
        }
    }

    private void clearPending() {
        pendingBytes = 0;
        pendingLines = 0;
    }

    /** Cuts the file back to its length before a failed write: no partial line stays. */
    private void cutBack() {
        try {
            channel.truncate(length);
        } catch (IOException e) {
            // The file system refuses even that (read-only): recovery cuts it from the checkpoint.
        }
    }

    /** Counts the buffered lines as unwritten and forgets them: they may not be written (yet). */
    void dropPending(String now, String reason) {
        if (pendingLines == 0) {
            return;
        }
        if (unwrittenLines == 0) {
            unwrittenSince = now;
        }
        unwrittenLines += pendingLines;
        lastError = reason;
        clearPending();
    }

    /** Lines dropped since the last successful write, and since when (file-format time), for the checkpoint. */
    long unwrittenLines() {
        return unwrittenLines;
    }

    String unwrittenSince() {
        return unwrittenSince;
    }

    /** Restores a count of unwritten lines that a checkpoint carried over a restart. */
    void restoreUnwritten(long lines, String since, String error) {
        unwrittenLines = lines;
        unwrittenSince = since;
        lastError = error;
    }

    /** Makes what was written durable (fdatasync). */
    void sync() throws IOException {
        if (dirty) {
            channel.force(false);
            dirty = false;
        }
    }

    /**
     * LinuxKit's rotation: {@code .log.<max−2>} → {@code .log.<max−1>} (the oldest replaced), …,
     * {@code .log} → {@code .log.0}, then a new empty {@code .log}; with {@code maxFiles} 0 the
     * file is just emptied. Call after {@link #flush} and {@link #sync}. With {@code compress}
     * rotated files are {@code .log.N.gz}; {@code .log.0} is left for {@link #compressRotated}.
     */
    void rotate(int maxFiles, boolean compress) throws IOException {
        channel.close();
        for (int i = maxFiles - 1; i >= 0; i--) {
            if (i == 0) {
                move(path, rotated(0, false));
            } else {
                move(rotated(i - 1, false), rotated(i, false));
                move(rotated(i - 1, true), rotated(i, true));
            }
        }
        if (maxFiles == 0) {
            Files.deleteIfExists(path);
        }
        openChannel();
    }

    /** {@code .log.N}, or {@code .log.N.gz}. */
    Path rotated(int index, boolean gz) {
        return dir.resolve(name + ".log." + index + (gz ? ".gz" : ""));
    }

    private static void move(Path from, Path to) throws IOException {
        if (Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Compresses {@code .log.N} into {@code .log.N.gz}: written beside it, fsynced, renamed into
     * place, and only then {@code .log.N} removed, so a crash leaves one or the other whole (or
     * both: then the {@code .gz} is complete, and this just removes the plain one).
     */
    void compressRotated(int index) throws IOException {
        Path plain = rotated(index, false);
        if (!Files.exists(plain, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path gz = rotated(index, true);
        if (!Files.exists(gz, LinkOption.NOFOLLOW_LINKS)) {
            Path tmp = dir.resolve(name + ".log." + index + ".gz.tmp");
            try (InputStream in = Files.newInputStream(plain, LinkOption.NOFOLLOW_LINKS);
                    FileChannel file = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                            StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS)) {
                GZIPOutputStream gzip = new GZIPOutputStream(java.nio.channels.Channels.newOutputStream(file), 65536);
                in.transferTo(gzip);
                gzip.finish();
                gzip.flush();
                file.force(true);
            } catch (IOException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            Files.move(tmp, gz, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Checkpoint.syncDirectory(dir);
        }
        Files.delete(plain);
    }

    void close() throws IOException {
        channel.close();
    }
}

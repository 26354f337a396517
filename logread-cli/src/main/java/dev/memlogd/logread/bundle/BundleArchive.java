package dev.memlogd.logread.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The bundle as a gzipped tar under one top directory, so that extracting it never scatters
 * files. Commons Compress writes the tar: POSIX (PAX) headers for names longer than 100 bytes
 * or not ASCII, which source names can be, and sizes checked against what was written.
 * Not thread-safe.
 */
final class BundleArchive implements AutoCloseable {
    private static final int FILE_MODE = 0644;
    private static final int DIR_MODE = 0755;

    private final TarArchiveOutputStream tar;
    private final String top;
    private final Date time;

    private BundleArchive(TarArchiveOutputStream tar, String top, Instant time) {
        this.tar = tar;
        this.top = top;
        this.time = Date.from(time);
    }

    /** An archive written to {@code out} (closed with the archive), under directory {@code top}. */
    static BundleArchive gzip(OutputStream out, String top, Instant time) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(out, 64 << 10), "UTF-8");
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        BundleArchive archive = new BundleArchive(tar, top, time);
        archive.directory("");
        return archive;
    }

    void directory(String name) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(top + "/" + name + (name.isEmpty() ? "" : "/"));
        entry.setMode(TarArchiveEntry.DEFAULT_DIR_MODE & ~07777 | DIR_MODE);
        entry.setModTime(time);
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
    }

    void add(String name, byte[] bytes) throws IOException {
        TarArchiveEntry entry = fileEntry(name, bytes.length);
        tar.putArchiveEntry(entry);
        tar.write(bytes);
        tar.closeArchiveEntry();
    }

    void add(String name, Path file) throws IOException {
        TarArchiveEntry entry = fileEntry(name, Files.size(file));
        tar.putArchiveEntry(entry);
        try (InputStream in = Files.newInputStream(file)) {
            in.transferTo(tar);
        }
        tar.closeArchiveEntry();
    }

    private TarArchiveEntry fileEntry(String name, long size) {
        TarArchiveEntry entry = new TarArchiveEntry(top + "/" + name);
        entry.setSize(size);
        entry.setMode(TarArchiveEntry.DEFAULT_FILE_MODE & ~07777 | FILE_MODE);
        entry.setModTime(time);
        return entry;
    }

    @Override
    public void close() throws IOException {
        tar.finish();
        tar.close();
    }
}

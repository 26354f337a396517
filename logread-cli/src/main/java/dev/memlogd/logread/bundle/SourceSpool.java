package dev.memlogd.logread.bundle;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One temporary file per source, where its lines collect while the dump streams past: a tar
 * entry needs its length before its bytes, and the dump interleaves sources, so each source's
 * file is complete only at the end. Memory stays bounded: at most {@link #OPEN_FILES} files
 * are open at once (the least recently written is closed and reopened for appending when
 * needed), each with a small buffer. The directory and everything in it are deleted on
 * {@link #close()}. Not thread-safe.
 */
final class SourceSpool implements AutoCloseable {
    static final int OPEN_FILES = 64;
    private static final int BUFFER_BYTES = 16 << 10;

    private final Path dir;
    private final Map<String, OutputStream> open = new LinkedHashMap<>(OPEN_FILES * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, OutputStream> eldest) {
            if (size() <= OPEN_FILES) {
                return false;
            }
            try {
                eldest.getValue().close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return true;
        }
    };
    private long bytes;

    private SourceSpool(Path dir) {
        this.dir = dir;
    }

    /** A new spool in a new directory under {@code parent}. */
    static SourceSpool in(Path parent) throws IOException {
        return new SourceSpool(Files.createTempDirectory(parent, ".memlogd-bundle-"));
    }

    /** Appends {@code line} (its newline included) to the file {@code file}. */
    void append(String file, byte[] line) throws IOException {
        append(file, line, 0, line.length);
    }

    void append(String file, byte[] line, int offset, int length) throws IOException {
        OutputStream out = open.get(file);
        if (out == null) {
            try {
                out = new BufferedOutputStream(Files.newOutputStream(path(file), StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND), BUFFER_BYTES);
                open.put(file, out);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        out.write(line, offset, length);
        bytes += length;
    }

    /** Closes every open file, so that they can be read whole. */
    void flush() throws IOException {
        for (OutputStream out : open.values()) {
            out.close();
        }
        open.clear();
    }

    /** Where the spooled file {@code file} lies (it exists once a line was appended). */
    Path path(String file) {
        return dir.resolve(file);
    }

    /** Bytes spooled so far. */
    long bytes() {
        return bytes;
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (OutputStream out : open.values()) {
            try {
                out.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        open.clear();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}

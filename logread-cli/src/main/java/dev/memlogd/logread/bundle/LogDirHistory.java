package dev.memlogd.logread.bundle;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import org.apache.commons.io.input.BoundedInputStream;

import dev.memlogd.core.logdir.Checkpoint;

/**
 * logwrite's files as history older than the ring, read so that no entry is in the bundle
 * twice: of each source's files ({@code .log.<N>[.gz]} oldest first, then {@code .log}) only
 * what logwrite's checkpoint vouches for is read, up to the checkpointed file and its
 * checkpointed length; every entry after the checkpoint's {@code seq} comes from the ring.
 *
 * <p>logwrite keeps writing and rotating meanwhile. A source's files are opened between two
 * reads of the checkpoint, and kept only if the two are byte for byte the same (else opened
 * again): what is open is then what that checkpoint describes, whatever is renamed afterwards,
 * since an open file keeps its contents. Each source may so have its own checkpoint; the
 * ring's entries of that source are then compared with that one.
 */
final class LogDirHistory {
    private static final Pattern FILE = Pattern.compile("(.+)\\.log(?:\\.(\\d{1,9})(\\.gz)?)?");
    private static final int ATTEMPTS = 10;

    /** One source's files as its checkpoint describes them. */
    record Snapshot(Checkpoint checkpoint, List<InputStream> parts, String note) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            for (InputStream part : parts) {
                part.close();
            }
        }
    }

    private final Path dir;

    LogDirHistory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no such log directory");
        }
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    /** The checkpoint as it is now ({@link Checkpoint#NONE} when there is none). */
    Checkpoint checkpoint() throws IOException {
        return Checkpoint.read(dir);
    }

    /** Each file name (without {@code .log}) that has files, with its files oldest first. */
    Map<String, List<Path>> files() throws IOException {
        Map<String, List<Path>> byName = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String file = p.getFileName().toString();
                Matcher m = FILE.matcher(file);
                if (file.startsWith(".") || !m.matches() || !Files.isRegularFile(p)) {
                    continue;
                }
                byName.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(p);
            }
        }
        for (List<Path> files : byName.values()) {
            files.sort(Comparator.comparingInt(LogDirHistory::age).reversed());
            dropCompressedTwins(files);
        }
        return byName;
    }

    /** {@code .log} is 0, {@code .log.N} and {@code .log.N.gz} N + 1: the higher, the older. */
    private static int age(Path p) {
        Matcher m = FILE.matcher(p.getFileName().toString());
        m.matches();
        return m.group(2) == null ? 0 : Integer.parseInt(m.group(2)) + 1;
    }

    /** While logwrite gzips {@code .log.0}, both it and {@code .log.0.gz} exist: keep the plain one. */
    private static void dropCompressedTwins(List<Path> files) {
        for (int i = files.size() - 1; i > 0; i--) {
            if (age(files.get(i)) == age(files.get(i - 1)) && files.get(i).toString().endsWith(".gz")) {
                files.remove(i);
            } else if (age(files.get(i)) == age(files.get(i - 1))) {
                files.remove(i - 1);
            }
        }
    }

    /** Opens {@code name}'s files as one checkpoint describes them. */
    Snapshot snapshot(String name, List<Path> files) throws IOException {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            byte[] before = checkpointBytes();
            List<Opened> opened = open(files);
            byte[] after = checkpointBytes();
            if (Arrays.equals(before, after) && opened != null) {
                Checkpoint checkpoint = before == null ? Checkpoint.NONE
                        : Checkpoint.parse(List.of(new String(before, StandardCharsets.UTF_8).split("\n")),
                                dir.resolve(Checkpoint.FILE_NAME));
                return choose(name, checkpoint, opened);
            }
            if (opened != null) {
                closeAll(opened);
            }
            files = files().getOrDefault(name, List.of());
        }
        throw new IOException("logwrite's files for " + name + " in " + dir + " kept changing while being read ("
                + ATTEMPTS + " attempts)");
    }

    private record Opened(Path path, long inode, InputStream in) {
    }

    /** The files opened with their inodes, or null if one was renamed meanwhile. */
    private static List<Opened> open(List<Path> files) throws IOException {
        List<Opened> opened = new ArrayList<>();
        try {
            for (Path p : files) {
                long inode = inode(p);
                InputStream in = Files.newInputStream(p);
                opened.add(new Opened(p, inode, in));
                if (inode(p) != inode) {
                    closeAll(opened);
                    return null;
                }
            }
            return opened;
        } catch (NoSuchFileException e) {
            closeAll(opened);
            return null;
        }
    }

    private Snapshot choose(String name, Checkpoint checkpoint, List<Opened> opened) throws IOException {
        if (checkpoint == Checkpoint.NONE) {
            List<InputStream> parts = new ArrayList<>();
            for (Opened o : opened) {
                parts.add(decode(o));
            }
            return new Snapshot(checkpoint, parts,
                    opened.isEmpty() ? null : "no logwrite checkpoint: files read whole; the ring may repeat their last lines");
        }
        Checkpoint.FileState state = checkpoint.files().stream().filter(f -> f.name().equals(name)).findFirst()
                .orElse(null);
        List<InputStream> parts = new ArrayList<>();
        String note = null;
        boolean reached = false;
        for (Opened o : opened) {
            if (reached) {
                o.in().close();
            } else if (state != null && o.inode() == state.inode()) {
                reached = true;
                parts.add(new BufferedInputStream(BoundedInputStream.builder().setInputStream(o.in()).setMaxCount(state.length())
                        .get(), 64 << 10));
            } else {
                parts.add(decode(o));
            }
        }
        if (!reached) {
            for (InputStream part : parts) {
                part.close();
            }
            parts.clear();
            note = state == null ? "not in logwrite's checkpoint: its files are newer than it, their lines come from the ring"
                    : "the file logwrite's checkpoint names is gone: its lines come from the ring as far as it reaches";
        }
        return new Snapshot(checkpoint, parts, note);
    }

    private static InputStream decode(Opened o) throws IOException {
        InputStream in = new BufferedInputStream(o.in(), 64 << 10);
        return o.path().toString().endsWith(".gz") ? new GZIPInputStream(in, 64 << 10) : in;
    }

    private byte[] checkpointBytes() throws IOException {
        try {
            return Files.readAllBytes(dir.resolve(Checkpoint.FILE_NAME));
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static long inode(Path p) throws IOException {
        return ((Number) Files.getAttribute(p, "unix:ino")).longValue();
    }

    private static void closeAll(List<Opened> opened) throws IOException {
        for (Opened o : opened) {
            o.in().close();
        }
    }
}

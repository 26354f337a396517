package dev.memlogd.core.logdir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the log directory is known to hold: the daemon the entries came from, the last
 * {@code seq} written, and for each file logwrite writes to, its inode and its length at that
 * point, plus the lines it could not write and has not yet reported. Data is fsynced before the
 * checkpoint that vouches for it, and the checkpoint is replaced atomically (written to a
 * temporary file, fsynced, renamed over the old one, the directory fsynced), so after a crash
 * or a power cut the checkpoint never claims more than the files hold. Recovery cuts every file
 * back to its checkpointed length and resumes after {@code seq}.
 *
 * <p>The file is {@value #FILE_NAME} in the log directory, text:
 * <pre>
 * logwrite-checkpoint 1
 * daemon 0c5e4a9e-…          ("-" for a daemon without identity: LinuxKit's)
 * seq 1042                    (-1: none yet)
 * file 1573921 52817 web.out  (inode, length, file name without .log; one per source)
 * unwritten web.out 12 2026-11-30T02:54:11Z   (lines dropped since, not yet reported)
 * </pre>
 *
 * @param daemon    the identity of the daemon {@code seq} belongs to, or null
 * @param seq       the last seq written (or skipped), -1 for none
 * @param files     one per source file
 * @param unwritten lines not written (disk full, read-only) and not yet reported in the file
 */
public record Checkpoint(String daemon, long seq, List<FileState> files, List<Unwritten> unwritten) {
    public static final String FILE_NAME = ".logwrite.checkpoint";
    private static final String HEADER = "logwrite-checkpoint 1";

    /** A file logwrite writes to, as it was at the checkpoint. */
    public record FileState(long inode, long length, String name) {
    }

    /** Lines of one file that could not be written, since {@code since} (a file-format time). */
    public record Unwritten(String name, long lines, String since) {
    }

    public static final Checkpoint NONE = new Checkpoint(null, -1, List.of(), List.of());

    /**
     * The checkpoint of {@code dir}, or {@link #NONE} when there is none yet.
     *
     * @throws IOException when it cannot be read, or is not a checkpoint (then nothing is
     *         guessed: the caller stops and says so)
     */
    public static Checkpoint read(Path dir) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(dir.resolve(FILE_NAME), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return NONE;
        }
        return parse(lines, dir.resolve(FILE_NAME));
    }

    /**
     * A checkpoint from its text's lines (read elsewhere: {@code logread --bundle} reads the
     * file's bytes twice to know the files it opened in between are the ones it describes).
     *
     * @param where the file they came from, for messages
     * @throws IOException when the lines are not a checkpoint
     */
    public static Checkpoint parse(List<String> lines, Path where) throws IOException {
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new IOException(where + " is not a logwrite checkpoint (first line "
                    + (lines.isEmpty() ? "missing" : "'" + lines.get(0) + "'") + ")");
        }
        String daemon = null;
        long seq = -1;
        List<FileState> files = new ArrayList<>();
        List<Unwritten> unwritten = new ArrayList<>();
        try {
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(" ", 4);
                switch (f[0]) {
                    case "daemon" -> daemon = f[1].equals("-") ? null : f[1];
                    case "seq" -> seq = Long.parseLong(f[1]);
                    case "file" -> files.add(new FileState(Long.parseLong(f[1]), Long.parseLong(f[2]), f[3]));
                    case "unwritten" -> {
                        // The name may hold spaces (last on a file line, not here): the count and time never do.
                        int since = line.lastIndexOf(' ');
                        int count = line.lastIndexOf(' ', since - 1);
                        unwritten.add(new Unwritten(line.substring("unwritten ".length(), count),
                                Long.parseLong(line.substring(count + 1, since)), line.substring(since + 1)));
                    }
                    default -> throw new IOException("unknown line '" + line + "'");
                }
            }
        } catch (RuntimeException e) {
            throw new IOException(where + " is damaged: " + e, e);
        }
        return new Checkpoint(daemon, seq, files, unwritten);
    }

    /** Replaces the checkpoint of {@code dir} atomically and durably. */
    public void write(Path dir) throws IOException {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        sb.append("daemon ").append(daemon == null ? "-" : daemon).append('\n');
        sb.append("seq ").append(seq).append('\n');
        for (FileState file : files) {
            sb.append("file ").append(file.inode()).append(' ').append(file.length()).append(' ').append(file.name())
                    .append('\n');
        }
        for (Unwritten u : unwritten) {
            sb.append("unwritten ").append(u.name()).append(' ').append(u.lines()).append(' ').append(u.since())
                    .append('\n');
        }
        AtomicFile.replace(dir, FILE_NAME, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** fsync of a directory: makes a rename in it durable. */
    public static void syncDirectory(Path dir) throws IOException {
        AtomicFile.syncDirectory(dir);
    }
}

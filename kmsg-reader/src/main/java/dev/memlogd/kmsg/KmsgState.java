package dev.memlogd.kmsg;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The last record delivered, so that a restart in the same boot continues after it instead of
 * sending the kernel ring again (LinuxKit's kmsg does): {@value #FILE_NAME} in the state
 * directory, {@code kmsg-reader-state 1} / {@code boot <boot id>} / {@code seq <n>}, replaced
 * atomically (a temporary file renamed over it) after every record delivered.
 *
 * <p>What it costs: after SIGKILL, at most the one record delivered but not yet recorded is
 * sent again (its {@code (seq)} tells a reader). No fsync: the file only matters within one
 * boot, and a power cut ends the boot (the state directory is meant to be {@code /run}, a tmpfs).
 */
final class KmsgState {
    static final String FILE_NAME = "kmsg-reader.state";
    private static final String HEADER = "kmsg-reader-state 1";

    private final Path dir;
    private final String bootId;

    KmsgState(Path dir, String bootId) {
        this.dir = dir;
        this.bootId = bootId;
    }

    /** The kernel's boot id ({@code /proc/sys/kernel/random/boot_id}), new at every boot. */
    static String currentBootId() throws IOException {
        return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim();
    }

    /**
     * The last seq delivered in this boot, or -1: no state, or state of another boot (said why).
     *
     * @throws IOException when the file exists but cannot be read or is not a state file
     */
    long lastSeq(StringBuilder why) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(dir.resolve(FILE_NAME), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            why.append("no state file: starting at the oldest record the kernel holds");
            return -1;
        }
        if (lines.size() < 3 || !lines.get(0).equals(HEADER) || !lines.get(1).startsWith("boot ")
                || !lines.get(2).startsWith("seq ")) {
            throw new IOException(dir.resolve(FILE_NAME) + " is not a kmsg-reader state file");
        }
        String boot = lines.get(1).substring(5);
        if (!boot.equals(bootId)) {
            why.append("state file of another boot (").append(boot).append("): starting at the oldest record");
            return -1;
        }
        try {
            return Long.parseLong(lines.get(2).substring(4));
        } catch (NumberFormatException e) {
            throw new IOException(dir.resolve(FILE_NAME) + " is damaged: " + lines.get(2), e);
        }
    }

    /** Records {@code seq} as the last delivered. */
    void save(long seq) throws IOException {
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        Files.writeString(tmp, HEADER + "\nboot " + bootId + "\nseq " + seq + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Makes the state directory if it is missing (not its parents' permissions: mode 0755 under the umask). */
    void ensureDirectory() throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir);
        }
    }
}

package dev.memlogd.logwrite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.junit.jupiter.api.Assumptions;

/**
 * A small real file system (tmpfs) for tests of a full or read-only disk. Mounting needs root
 * (CAP_SYS_ADMIN), as CI runs; where it is refused the test is skipped, saying why.
 */
final class Tmpfs implements AutoCloseable {
    static final int PAGE = 4096;

    final Path dir;

    private Tmpfs(Path dir) {
        this.dir = dir;
    }

    /** Mounts a tmpfs of {@code size} bytes on {@code dir} (created), or aborts the test if not permitted. */
    static Tmpfs mount(Path dir, int size) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String refused;
        try {
            refused = run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
        } catch (IOException e) {
            refused = e.toString();
        }
        Assumptions.assumeTrue(refused == null, "a disk-full test needs a small real file system, and mounting a"
                + " tmpfs is not permitted here (needs root or CAP_SYS_ADMIN): " + refused);
        return new Tmpfs(dir);
    }

    /** Remounts read-only; no file may be open for writing on it (the kernel refuses). */
    void remountReadOnly() throws IOException, InterruptedException {
        String refused = run("mount", "-o", "remount,ro", dir.toString());
        if (refused != null) {
            throw new IOException("cannot remount " + dir + " read-only: " + refused);
        }
    }

    /**
     * Fills the file system with {@code filler} until a write fails with ENOSPC. Files already
     * there keep the room left in their last page: only a write that needs a new page fails.
     */
    Path fill(String filler) throws IOException {
        Path file = dir.resolve(filler);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer page = ByteBuffer.allocate(PAGE);
            while (true) {
                out.write(page.clear());
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left on device")) {
                throw e;
            }
        }
        return file;
    }

    /** Gives back one page of {@code filler}: room for exactly one more page. */
    static void freeOnePage(Path filler) throws IOException {
        try (FileChannel out = FileChannel.open(filler, StandardOpenOption.WRITE)) {
            out.truncate(out.size() - PAGE);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        String refused = run("umount", dir.toString());
        if (refused != null) {
            // A file left open by a failed test keeps it busy: detach it, so no mount outlives the test.
            refused = run("umount", "-l", dir.toString());
            if (refused != null) {
                throw new IOException("cannot unmount " + dir + ": " + refused);
            }
        }
    }

    /** Runs a command; null when it succeeded, else its exit code and output. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        int exit = process.waitFor();
        return exit == 0 ? null : "'" + String.join(" ", command) + "' exited " + exit + ": " + output;
    }
}

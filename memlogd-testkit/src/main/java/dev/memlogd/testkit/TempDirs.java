package dev.memlogd.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Temp directories of sockets, FIFOs and process output. */
public final class TempDirs {
    private TempDirs() {
    }

    /** Deletes {@code dir} and everything in it, quietly: a temp directory left behind fails nothing. */
    public static void deleteRecursively(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temp directory left behind is not worth failing a test for.
        }
    }
}

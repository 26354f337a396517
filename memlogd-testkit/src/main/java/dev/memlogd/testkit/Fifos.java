package dev.memlogd.testkit;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Real FIFOs, as LinuxKit's init makes them for a service's output: made with the
 * {@code mkfifo} command (the JDK cannot make one), both ends opened, the read end to be sent
 * to a log socket and our copy of it closed, the write end kept.
 */
public final class Fifos {
    private static final AtomicLong FIFO_NUMBER = new AtomicLong();
    /** Opens FIFO read ends, which block until the write end is opened. */
    private static final ExecutorService FIFO_OPENER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fifo-opener");
        t.setDaemon(true);
        return t;
    });

    private Fifos() {
    }

    /** Both ends of an open FIFO, not sent anywhere yet. */
    public record OpenFifo(Path path, FileInputStream readEnd, FileOutputStream writeEnd) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try (readEnd; writeEnd) {
                // closes both
            }
        }
    }

    /** Makes {@code count} FIFOs in {@code dir} with one {@code mkfifo} and opens both ends of each. */
    public static List<OpenFifo> open(Path dir, int count) throws IOException {
        List<Path> paths = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            paths.add(dir.resolve("fifo-" + FIFO_NUMBER.incrementAndGet()));
        }
        make(paths);
        List<OpenFifo> fifos = new ArrayList<>();
        try {
            for (Path path : paths) {
                fifos.add(open(path));
            }
        } catch (IOException | RuntimeException e) {
            for (OpenFifo fifo : fifos) {
                fifo.close();
            }
            throw e;
        }
        return fifos;
    }

    /**
     * Opens both ends of the existing FIFO {@code path}. Opening either end blocks until the
     * other is opened too, so the read end is opened on a helper thread, with a deadline.
     */
    public static OpenFifo open(Path path) throws IOException {
        Future<FileInputStream> reader = FIFO_OPENER.submit(() -> new FileInputStream(path.toFile()));
        FileOutputStream writer = new FileOutputStream(path.toFile()); // returns once the reader opened too
        try {
            return new OpenFifo(path, reader.get(10, TimeUnit.SECONDS), writer);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            writer.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("opening the read end of " + path + " failed: " + e, e);
        }
    }

    /** Makes a FIFO (mode 600) at each of {@code paths}, with one {@code mkfifo} command. */
    public static void make(List<Path> paths) throws IOException {
        List<String> command = new ArrayList<>(List.of("mkfifo", "-m", "600"));
        paths.forEach(p -> command.add(p.toString()));
        Process mkfifo = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(mkfifo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!mkfifo.waitFor(10, TimeUnit.SECONDS) || mkfifo.exitValue() != 0) {
                throw new IOException("mkfifo failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running mkfifo", e);
        }
    }
}

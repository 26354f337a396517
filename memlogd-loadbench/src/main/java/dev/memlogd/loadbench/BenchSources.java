package dev.memlogd.loadbench;

import java.io.Closeable;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import dev.memlogd.core.client.FdSender;
import dev.memlogd.core.client.LogStream;

/**
 * Makes the bench's sources the way LinuxKit's init does, and hands them to the daemon.
 * <ul>
 * <li>{@code socketpair} (on-boot actions): a socketpair, one end sent, our copy of it closed
 *     ({@link LogStream}).</li>
 * <li>{@code fifo} (services): a FIFO in the run's directory, its read end opened (blocking, as
 *     init does) and sent, our copy closed; we write to the write end.</li>
 * </ul>
 */
final class BenchSources {
    enum Kind { socketpair, fifo }

    /** A source's writing end. One thread writes. */
    interface Sink extends Closeable {
        void write(byte[] bytes, int offset, int length) throws IOException;
    }

    private BenchSources() {
    }

    /** Opens {@code count} sources named {@link Verifier#sourceName}(i), sent to {@code logSocket}. */
    static List<Sink> open(Kind kind, int count, Path logSocket, Path dir) throws IOException, InterruptedException {
        List<Sink> sinks = new ArrayList<>(count);
        try {
            if (kind == Kind.fifo) {
                mkfifos(dir, count);
            }
            for (int i = 0; i < count; i++) {
                String name = Verifier.sourceName(i);
                sinks.add(kind == Kind.socketpair ? socketpair(logSocket, name) : fifo(logSocket, name, fifoPath(dir, i)));
            }
            return sinks;
        } catch (IOException | InterruptedException | RuntimeException e) {
            for (Sink sink : sinks) {
                sink.close();
            }
            throw e;
        }
    }

    private static Sink socketpair(Path logSocket, String name) throws IOException {
        LogStream stream = LogStream.open(logSocket, name);
        return new Sink() {
            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                stream.write(bytes, offset, length);
            }

            @Override
            public void close() throws IOException {
                stream.close();
            }
        };
    }

    private static Sink fifo(Path logSocket, String name, Path path) throws IOException, InterruptedException {
        // Opening a FIFO blocks until the other end is opened: open the read end in another thread.
        CompletableFuture<FileInputStream> reader = CompletableFuture.supplyAsync(() -> {
            try {
                return new FileInputStream(path.toFile());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        FileOutputStream writer = new FileOutputStream(path.toFile());
        try (FileInputStream read = reader.get()) {
            FdSender.send(logSocket, name, read.getFD());
        } catch (IOException | RuntimeException e) {
            writer.close();
            throw e;
        } catch (ExecutionException e) {
            writer.close();
            throw new IOException("cannot open " + path, e.getCause());
        }
        return new Sink() {
            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                writer.write(bytes, offset, length);
            }

            @Override
            public void close() throws IOException {
                writer.close();
            }
        };
    }

    private static Path fifoPath(Path dir, int i) {
        return dir.resolve(Verifier.sourceName(i) + ".log");
    }

    /** One mkfifo(1) for all of them: the JDK cannot make a FIFO. */
    private static void mkfifos(Path dir, int count) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("mkfifo", "-m", "600"));
        for (int i = 0; i < count; i++) {
            Files.deleteIfExists(fifoPath(dir, i));
            command.add(fifoPath(dir, i).toString());
        }
        Process p = new ProcessBuilder(command).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException("mkfifo failed in " + dir);
        }
    }
}

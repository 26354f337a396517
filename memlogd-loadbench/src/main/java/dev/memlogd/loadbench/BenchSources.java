package dev.memlogd.loadbench;

import java.io.Closeable;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.memlogd.core.client.FdSender;
import dev.memlogd.core.client.LogStream;
import dev.memlogd.testkit.Fifos;

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
    static List<Sink> open(Kind kind, int count, Path logSocket, Path dir) throws IOException {
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
        } catch (IOException | RuntimeException e) {
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

    private static Sink fifo(Path logSocket, String name, Path path) throws IOException {
        Fifos.OpenFifo fifo = Fifos.open(path);
        FileOutputStream writer = fifo.writeEnd();
        try (FileInputStream read = fifo.readEnd()) {
            FdSender.send(logSocket, name, read.getFD());
        } catch (IOException | RuntimeException e) {
            writer.close();
            throw e;
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
    private static void mkfifos(Path dir, int count) throws IOException {
        List<Path> paths = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Files.deleteIfExists(fifoPath(dir, i));
            paths.add(fifoPath(dir, i));
        }
        Fifos.make(paths);
    }
}

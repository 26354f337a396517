package dev.memlogd.e2e;

import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.memlogd.core.client.FdSender;
import dev.memlogd.testkit.Fifos;
import dev.memlogd.testkit.Fifos.OpenFifo;
import dev.memlogd.testkit.UnsentPair;

/**
 * Log sources made the way LinuxKit's init makes them (linuxkit-protocol.md, "Who sends what"),
 * handed to a daemon with the core {@link FdSender} (one fresh datagram socket, one fd per send):
 * <ul>
 * <li>{@link #socketpair}: an on-boot action's stream. A {@code socketpair(AF_UNIX, SOCK_STREAM)}
 * ({@link UnsentPair}); one end is sent (init names them {@code onboot.NAME.out} /
 * {@code onboot.NAME}), the other is kept as the writer. Unlike init we close our copy of the sent end, so closing the writer
 * is an EOF for the daemon.</li>
 * <li>{@link #fifo}: a service's stream. A FIFO made with the {@code mkfifo} command and both
 * ends opened ({@link Fifos}), the read end sent ({@code svc.out} / {@code svc}) and our copy
 * closed.</li>
 * </ul>
 * The writer of a {@link Source} is blocking; a test owns its sources and closes them.
 */
final class Sources {
    private Sources() {
    }

    /** The writing side of a log source already handed to a daemon. Closing it is the source's EOF. */
    static final class Source implements AutoCloseable {
        private final String name;
        private final WritableByteChannel writer;

        Source(String name, WritableByteChannel writer) {
            this.name = name;
            this.writer = writer;
        }

        String name() {
            return name;
        }

        /** Writes {@code line} and a newline, UTF-8. */
        Source println(String line) throws IOException {
            return write((line + "\n").getBytes(StandardCharsets.UTF_8));
        }

        /** Writes these bytes as they are (a blocking write of all of them). */
        Source write(byte[] bytes) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                writer.write(buffer);
            }
            return this;
        }

        @Override
        public void close() throws IOException {
            writer.close();
        }

        @Override
        public String toString() {
            return "source " + name;
        }
    }

    /** An on-boot action's stream: a socketpair end sent as {@code name}. */
    static Source socketpair(Path logSocket, String name) throws IOException {
        UnsentPair pair = UnsentPair.open();
        try {
            FdSender.send(logSocket, name, pair.readEnd());
            pair.closeReadEnd();
        } catch (IOException | RuntimeException e) {
            pair.close();
            throw e;
        }
        return new Source(name, pair.writer());
    }

    /** {@link #socketpair} for each name. */
    static List<Source> socketpairs(Path logSocket, List<String> names) throws IOException {
        List<Source> sources = new ArrayList<>();
        for (String name : names) {
            sources.add(socketpair(logSocket, name));
        }
        return sources;
    }

    /**
     * {@code count} on-boot streams handed over {@code perDatagram} fds at a time (at most about
     * 60: junixsocket's receive buffer), all under {@code name}: the cheap way to attach
     * thousands of sources, one datagram per batch instead of per fd. Init sends one fd per
     * datagram; the daemon reads every fd of a datagram as a source alike (linuxkit-protocol.md).
     * Here the line written, not the name, tells the sources apart.
     */
    static List<Source> socketpairsInBatches(Path logSocket, String name, int count, int perDatagram)
            throws IOException {
        return inBatches(logSocket, name, count, perDatagram, new Kind<UnsentPair>() {
            @Override
            public List<UnsentPair> open(int n) throws IOException {
                List<UnsentPair> pairs = new ArrayList<>();
                try {
                    for (int i = 0; i < n; i++) {
                        pairs.add(UnsentPair.open());
                    }
                } catch (IOException | RuntimeException e) {
                    closeQuietly(pairs, e);
                    throw e;
                }
                return pairs;
            }

            @Override
            public FileDescriptor readEnd(UnsentPair pair) {
                return pair.readEnd();
            }

            @Override
            public Source sent(UnsentPair pair) throws IOException {
                pair.closeReadEnd();
                return new Source(name, pair.writer());
            }
        });
    }

    /**
     * {@code count} services' streams handed over {@code perDatagram} FIFO read ends at a time,
     * all under {@code name} (see {@link #socketpairsInBatches}). One fd each in this JVM once
     * sent, where a junixsocket socketpair costs three (its channels keep two sockets of their
     * own): the kind to use for thousands of sources.
     */
    static List<Source> fifosInBatches(Path dir, Path logSocket, String name, int count, int perDatagram)
            throws IOException {
        return inBatches(logSocket, name, count, perDatagram, new Kind<OpenFifo>() {
            @Override
            public List<OpenFifo> open(int n) throws IOException {
                return Fifos.open(dir, n);
            }

            @Override
            public FileDescriptor readEnd(OpenFifo fifo) {
                return fd(fifo.readEnd());
            }

            @Override
            public Source sent(OpenFifo fifo) throws IOException {
                fifo.readEnd().close();
                return new Source(name, fifo.writeEnd().getChannel());
            }
        });
    }

    /** How sources of one kind are made, handed over, and kept for writing. */
    private interface Kind<T extends AutoCloseable> {
        List<T> open(int n) throws IOException;

        FileDescriptor readEnd(T made);

        /** After the send: closes this JVM's read end, returns the writing end. */
        Source sent(T made) throws IOException;
    }

    /** {@code count} sources of {@code kind}, handed over {@code perDatagram} fds at a time; on failure none stays open. */
    private static <T extends AutoCloseable> List<Source> inBatches(Path logSocket, String name, int count,
            int perDatagram, Kind<T> kind) throws IOException {
        List<Source> sources = new ArrayList<>();
        try {
            for (int sent = 0; sent < count; sent += perDatagram) {
                List<T> batch = kind.open(Math.min(perDatagram, count - sent));
                try {
                    FdSender.send(logSocket, name, batch.stream().map(kind::readEnd).toArray(FileDescriptor[]::new));
                    for (T made : batch) {
                        sources.add(kind.sent(made));
                    }
                } catch (IOException | RuntimeException e) {
                    closeAll(batch);
                    throw e;
                }
            }
        } catch (Exception e) {
            closeQuietly(sources, e);
            throw e instanceof IOException io ? io : new IOException(e);
        }
        return sources;
    }

    private static void closeQuietly(List<? extends AutoCloseable> opened, Exception failure) {
        try {
            closeAll(opened);
        } catch (Exception suppressed) {
            failure.addSuppressed(suppressed);
        }
    }

    private static FileDescriptor fd(java.io.FileInputStream stream) {
        try {
            return stream.getFD();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A service's stream: a FIFO in {@code dir} whose read end is sent as {@code name}. */
    static Source fifo(Path dir, Path logSocket, String name) throws IOException {
        return fifos(dir, logSocket, List.of(name)).get(0);
    }

    /** {@link #fifo} for each name (one {@code mkfifo} command for all of them). */
    static List<Source> fifos(Path dir, Path logSocket, List<String> names) throws IOException {
        List<Source> sources = new ArrayList<>();
        for (OpenFifo fifo : Fifos.open(dir, names.size())) {
            String name = names.get(sources.size());
            try {
                FdSender.send(logSocket, name, fifo.readEnd().getFD());
                fifo.readEnd().close();
            } catch (IOException | RuntimeException e) {
                fifo.close();
                throw e;
            }
            sources.add(new Source(name, fifo.writeEnd().getChannel()));
        }
        return sources;
    }

    /** Closes every source, the first failure thrown after all were tried. */
    static void closeAll(List<? extends AutoCloseable> sources) throws Exception {
        Exception first = null;
        for (AutoCloseable source : sources) {
            try {
                source.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}

package dev.memlogd.e2e;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
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

import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketPair;

import dev.memlogd.core.client.FdSender;

/**
 * Log sources made the way LinuxKit's init makes them (linuxkit-protocol.md, "Who sends what"),
 * handed to a daemon with the core {@link FdSender} (one fresh datagram socket, one fd per send):
 * <ul>
 * <li>{@link #socketpair}: an on-boot action's stream. A {@code socketpair(AF_UNIX, SOCK_STREAM)};
 * one end is sent (init names them {@code onboot.NAME.out} / {@code onboot.NAME}), the other is
 * kept as the writer. Unlike init we close our copy of the sent end, so closing the writer
 * is an EOF for the daemon.</li>
 * <li>{@link #fifo}: a service's stream. A FIFO made with the {@code mkfifo} command, its read
 * end opened (in a helper thread: opening a FIFO blocks until both ends are open), its write
 * end opened here, the read end sent ({@code svc.out} / {@code svc}) and our copy closed.</li>
 * </ul>
 * The writer of a {@link Source} is blocking; a test owns its sources and closes them.
 */
final class Sources {
    private static final AtomicLong FIFO_NUMBER = new AtomicLong();
    /** Opens FIFO read ends, which block until our write end is opened. */
    private static final ExecutorService FIFO_OPENER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fifo-opener");
        t.setDaemon(true);
        return t;
    });

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

    /**
     * A socketpair whose reading end is not sent yet, for tests that send fds their own way.
     *
     * <p>It keeps the reading end's junixsocket channel reachable, not just its fd: junixsocket
     * closes a channel's fd when the channel is garbage-collected, so an fd whose channel was
     * dropped can be closed under the test at any moment (a send then fails with "Bad file
     * descriptor", or sends whatever fd reused the number). Once {@link #closeReadEnd()} has
     * closed the fd, that cleanup finds it invalid and does nothing.
     */
    static final class UnsentPair implements AutoCloseable {
        private final AFUNIXSocketChannel writer;
        private final AFUNIXSocketChannel readEndChannel;
        private final FileDescriptor readEnd;

        private UnsentPair(AFUNIXSocketPair<AFUNIXSocketChannel> pair) throws IOException {
            this.writer = pair.getSocket1();
            this.readEndChannel = pair.getSocket2();
            this.readEnd = readEndChannel.getFileDescriptor();
        }

        /** The end to send; still open here until {@link #closeReadEnd()}. */
        FileDescriptor readEnd() {
            return readEnd;
        }

        /**
         * Closes our copy of the sent end (the daemon has its own once the datagram is received).
         * Only the fd is closed: junixsocket's {@code close()} would {@code shutdown(2)} the socket,
         * which cuts off the daemon's copy too. Idempotent.
         */
        void closeReadEnd() throws IOException {
            if (readEnd.valid()) {
                new FileInputStream(readEnd).close(); // closes the fd and invalidates readEnd
            }
            Reference.reachabilityFence(readEndChannel); // not collected (closing the fd) before this
        }

        /** The writer, as a source named {@code name}. */
        Source writer(String name) {
            return new Source(name, writer);
        }

        @Override
        public void close() throws IOException {
            try {
                closeReadEnd();
            } finally {
                writer.close();
            }
        }
    }

    /** A new, unsent socketpair. */
    static UnsentPair unsentSocketpair() throws IOException {
        return new UnsentPair(AFUNIXSocketPair.open());
    }

    /** An on-boot action's stream: a socketpair end sent as {@code name}. */
    static Source socketpair(Path logSocket, String name) throws IOException {
        UnsentPair pair = unsentSocketpair();
        try {
            FdSender.send(logSocket, name, pair.readEnd());
            pair.closeReadEnd();
        } catch (IOException | RuntimeException e) {
            pair.close();
            throw e;
        }
        return pair.writer(name);
    }

    /** {@link #socketpair} for each name. */
    static List<Source> socketpairs(Path logSocket, List<String> names) throws IOException {
        List<Source> sources = new ArrayList<>();
        for (String name : names) {
            sources.add(socketpair(logSocket, name));
        }
        return sources;
    }

    /** Both ends of an open FIFO, not sent anywhere yet. */
    record OpenFifo(Path path, FileInputStream readEnd, FileOutputStream writeEnd) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try (readEnd; writeEnd) {
                // closes both
            }
        }
    }

    /** A service's stream: a FIFO in {@code dir} whose read end is sent as {@code name}. */
    static Source fifo(Path dir, Path logSocket, String name) throws IOException {
        return fifos(dir, logSocket, List.of(name)).get(0);
    }

    /** {@link #fifo} for each name (one {@code mkfifo} command for all of them). */
    static List<Source> fifos(Path dir, Path logSocket, List<String> names) throws IOException {
        List<Source> sources = new ArrayList<>();
        for (OpenFifo fifo : openFifos(dir, names.size())) {
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

    /** Makes {@code count} FIFOs in {@code dir} with {@code mkfifo} and opens both ends of each. */
    static List<OpenFifo> openFifos(Path dir, int count) throws IOException {
        List<Path> paths = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            paths.add(dir.resolve("fifo-" + FIFO_NUMBER.incrementAndGet()));
        }
        mkfifo(paths);
        List<OpenFifo> fifos = new ArrayList<>();
        for (Path path : paths) {
            Future<FileInputStream> reader = FIFO_OPENER.submit(() -> new FileInputStream(path.toFile()));
            FileOutputStream writer = new FileOutputStream(path.toFile()); // returns once the reader opened too
            try {
                fifos.add(new OpenFifo(path, reader.get(10, TimeUnit.SECONDS), writer));
            } catch (InterruptedException | ExecutionException | TimeoutException e) {
                writer.close();
                throw new IOException("opening the read end of " + path + " failed: " + e, e);
            }
        }
        return fifos;
    }

    private static void mkfifo(List<Path> paths) throws IOException {
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

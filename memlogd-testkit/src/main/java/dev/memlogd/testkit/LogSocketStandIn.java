package dev.memlogd.testkit;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * A bound log socket standing in for memlogd: a real Unix datagram socket that receives
 * datagrams with their fds, blocking. For testing what clients send ({@code FdSender},
 * {@code LogStream}, {@code memlogd-exec}); use it under {@code @Timeout}.
 */
public final class LogSocketStandIn implements Closeable {
    private final AFUNIXDatagramChannel channel;

    private LogSocketStandIn(AFUNIXDatagramChannel channel) {
        this.channel = channel;
    }

    public static LogSocketStandIn bind(Path path) throws IOException {
        AFUNIXDatagramChannel channel = AFUNIXDatagramChannel.open();
        channel.bind(AFUNIXSocketAddress.of(path));
        channel.setAncillaryReceiveBufferSize(256);
        return new LogSocketStandIn(channel);
    }

    /** One datagram as the daemon sees it: payload bytes and the fds that came with it (ours to close). */
    public record Datagram(byte[] payload, FileDescriptor[] fds) {
        /** The payload, the source name, as UTF-8. */
        public String name() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        public void closeFds() throws IOException {
            for (FileDescriptor fd : fds) {
                new FileInputStream(fd).close();
            }
        }
    }

    /** A received source: its name, and everything read from its single fd until EOF. */
    public record Source(String name, byte[] bytes) {
        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** Blocks until a datagram arrives. */
    public Datagram receive() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        // receive() returns null for an unbound sender, but the payload and fds are there.
        channel.receive(buffer);
        FileDescriptor[] fds = channel.getReceivedFileDescriptors();
        buffer.flip();
        byte[] payload = new byte[buffer.remaining()];
        buffer.get(payload);
        return new Datagram(payload, fds == null ? new FileDescriptor[0] : fds);
    }

    /** Blocks for the next datagram, checks it carries one fd, reads that fd to EOF and closes it. */
    public Source receiveSource() throws IOException {
        Datagram datagram = receive();
        if (datagram.fds().length != 1) {
            datagram.closeFds();
            throw new AssertionError("expected one fd, got " + datagram.fds().length);
        }
        return new Source(datagram.name(), readToEnd(datagram.fds()[0]));
    }

    /**
     * Reads {@code fd} to EOF and closes it. Not {@code readAllBytes()}: on JDK 17,
     * {@code FileInputStream.readAllBytes()} seeks, which fails on a socket ("Illegal seek").
     */
    public static byte[] readToEnd(FileDescriptor fd) throws IOException {
        try (InputStream in = new FileInputStream(fd)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[4096];
            for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        }
    }

    /** {@link #readToEnd} as UTF-8 text. */
    public static String readText(FileDescriptor fd) throws IOException {
        return new String(readToEnd(fd), StandardCharsets.UTF_8);
    }

    /** Closes the socket; junixsocket leaves the socket file in place. */
    @Override
    public void close() throws IOException {
        channel.close();
    }
}

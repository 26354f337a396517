package dev.memlogd.exec;

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

/** A bound log socket standing in for memlogd: receives datagrams with their fds, blocking. */
final class LogSocketStandIn implements Closeable {
    private final AFUNIXDatagramChannel channel;

    private LogSocketStandIn(AFUNIXDatagramChannel channel) {
        this.channel = channel;
    }

    static LogSocketStandIn bind(Path path) throws IOException {
        AFUNIXDatagramChannel channel = AFUNIXDatagramChannel.open();
        channel.bind(AFUNIXSocketAddress.of(path));
        channel.setAncillaryReceiveBufferSize(256);
        return new LogSocketStandIn(channel);
    }

    /** A received source: its name, and everything read from its single fd until EOF. */
    record Source(String name, byte[] bytes) {
        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** Blocks for the next datagram, checks it carries one fd, reads that fd to EOF and closes it. */
    Source receive() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        channel.receive(buffer); // null for an unbound sender; the payload is there all the same
        FileDescriptor[] fds = channel.getReceivedFileDescriptors();
        if (fds == null || fds.length != 1) {
            throw new AssertionError("expected one fd, got " + (fds == null ? 0 : fds.length));
        }
        return new Source(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8), readAll(fds[0]));
    }

    /** Not readAllBytes(): on JDK 17 FileInputStream.readAllBytes() seeks, which fails on a socket. */
    private static byte[] readAll(FileDescriptor fd) throws IOException {
        try (InputStream in = new FileInputStream(fd)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[4096];
            for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}

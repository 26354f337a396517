package dev.memlogd.core.client;

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

/** A bound log socket standing in for the daemon: receives datagrams with their fds, blocking. */
final class DatagramReceiver implements Closeable {
    private final AFUNIXDatagramChannel channel;

    private DatagramReceiver(AFUNIXDatagramChannel channel) {
        this.channel = channel;
    }

    static DatagramReceiver bind(Path path) throws IOException {
        AFUNIXDatagramChannel channel = AFUNIXDatagramChannel.open();
        channel.bind(AFUNIXSocketAddress.of(path));
        channel.setAncillaryReceiveBufferSize(256);
        return new DatagramReceiver(channel);
    }

    /** One datagram as the daemon sees it: payload bytes and the fds that came with it (ours to close). */
    record Datagram(byte[] payload, FileDescriptor[] fds) {
        String name() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        void closeFds() throws IOException {
            for (FileDescriptor fd : fds) {
                new FileInputStream(fd).close();
            }
        }
    }

    /** Blocks until a datagram arrives. */
    Datagram receive() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        // receive() returns null for an unbound sender, but the payload and fds are there.
        channel.receive(buffer);
        FileDescriptor[] fds = channel.getReceivedFileDescriptors();
        buffer.flip();
        byte[] payload = new byte[buffer.remaining()];
        buffer.get(payload);
        return new Datagram(payload, fds == null ? new FileDescriptor[0] : fds);
    }

    /**
     * Reads {@code fd} to EOF and closes it. Not {@code readAllBytes()}: on JDK 17,
     * {@code FileInputStream.readAllBytes()} seeks, which fails on a socket ("Illegal seek").
     */
    static String readAll(FileDescriptor fd) throws IOException {
        try (InputStream in = new FileInputStream(fd)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[4096];
            for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                out.write(chunk, 0, n);
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    /** Closes the socket; junixsocket leaves the socket file in place. */
    @Override
    public void close() throws IOException {
        channel.close();
    }
}

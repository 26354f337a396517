package dev.memlogd.e2e;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.lang.ref.Reference;
import java.net.DatagramPacket;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Map;

import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.FileDescriptorCast;

import dev.memlogd.core.client.FdSender;
import dev.memlogd.testkit.ProcFs;

/**
 * What the core {@code FdSender} cannot make for the bad-input tests: a datagram without fd,
 * an fd open on a directory, and a datagram socket as a source. Like init, each send uses a fresh unbound datagram socket.
 */
final class RawDatagrams {
    private RawDatagrams() {
    }

    /**
     * Sends one datagram with {@code payload} as the name and no fd at all, which the core
     * {@code FdSender} refuses to send. (Datagrams with fds, however odd, go through
     * {@code FdSender}, which checks nothing else.) Like {@code FdSender}, this uses junixsocket's
     * datagram socket: its channel silently sends nothing for an empty buffer.
     */
    static void sendWithoutFd(Path logSocket, byte[] payload) throws IOException {
        try (AFUNIXDatagramSocket socket = AFUNIXDatagramSocket.newInstance()) {
            socket.connect(AFUNIXSocketAddress.of(logSocket));
            socket.send(new DatagramPacket(payload, payload.length));
        }
    }

    /**
     * Sends a fresh unbound Unix datagram socket as source {@code name}, then closes our copy
     * of it without shutting it down (junixsocket's {@code close()} would {@code shutdown(2)}
     * it, which the daemon sees): the sender is simply gone, and the daemon's copy is the only
     * one, which never reads end of file.
     */
    static void sendUnboundDatagramSocket(Path logSocket, String name) throws IOException {
        AFUNIXDatagramChannel socket = AFUNIXDatagramChannel.open();
        try {
            FdSender.send(logSocket, name, socket.getFileDescriptor());
        } finally {
            new FileInputStream(socket.getFileDescriptor()).close();
            Reference.reachabilityFence(socket); // not collected (closing the fd) before this
        }
    }

    /**
     * An fd of this process open on {@code directory}. Java's streams refuse to open a
     * directory, but {@code FileChannel.open} does (read-only), and junixsocket turns the fd
     * number, found through {@code /proc/self/fd}, into a {@link FileDescriptor}. The returned
     * channel owns the fd: close it when done.
     */
    static OpenDirectory openDirectory(Path directory) throws IOException {
        FileChannel channel = FileChannel.open(directory);
        Path real = directory.toRealPath();
        for (Map.Entry<Integer, String> fd : ProcFs.openFds(ProcFs.SELF).entrySet()) {
            if (fd.getValue().equals(real.toString())) {
                return new OpenDirectory(channel, FileDescriptorCast.unsafeUsing(fd.getKey()).getFileDescriptor());
            }
        }
        channel.close();
        throw new IOException("no fd of this process is open on " + real);
    }

    /** A directory opened read-only; {@link #close()} closes the fd. */
    record OpenDirectory(FileChannel channel, FileDescriptor fd) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}

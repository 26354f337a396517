package dev.memlogd.daemon.fd;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.lang.ref.Reference;
import java.net.DatagramSocket;
import java.net.SocketAddress;

import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.FileDescriptorCast;

/**
 * What a received socket fd is, through junixsocket's public {@link FileDescriptorCast}
 * (which asks the kernel: {@code getsockopt(SO_TYPE)}, {@code getpeername}). The JDK has no
 * way to ask either of an fd it did not open. Runs once per received socket, never per line.
 */
public final class SocketInspector {
    private SocketInspector() {
    }

    /**
     * Whether the socket is a datagram socket (Unix or UDP). Such an fd is no stream: it never
     * reads end of file, so a datagram source whose sender has gone would hold its slot of
     * {@code -max-sources} for ever, and one whose sender shut it down polls readable for ever.
     */
    public static boolean isDatagram(FileDescriptor fd) throws IOException {
        return FileDescriptorCast.using(fd).availableTypes().contains(DatagramSocket.class);
    }

    /**
     * The path the Unix stream socket's peer is bound to (for a connection to a listening
     * socket: the path that socket was bound to, as the kernel keeps it whichever path the
     * client connected through), or null when the peer is unbound (a socketpair), the socket
     * is not a connected Unix stream socket, or the kernel will not say.
     */
    public static String peerPath(FileDescriptor fd) {
        FileDescriptorCast dup;
        try {
            if (!FileDescriptorCast.using(fd).isAvailable(AFUNIXSocket.class)) {
                return null;
            }
            dup = FileDescriptorCast.duplicating(fd);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        AFUNIXSocket socket = null;
        try {
            socket = dup.as(AFUNIXSocket.class);
            SocketAddress peer = socket.getRemoteSocketAddress();
            String path = peer instanceof AFUNIXSocketAddress ? ((AFUNIXSocketAddress) peer).getPath() : "";
            return path.isEmpty() ? null : path;
        } catch (IOException | RuntimeException e) {
            return null;
        } finally {
            // Only the dup's fd is closed: closing the cast socket would shutdown(2) the socket,
            // which both fds share, and so end the source (even with setShutdownOnClose(false)).
            // Once the fd is closed, junixsocket's cleanup of the collected socket finds it
            // invalid and does nothing.
            closeQuietly(dup.getFileDescriptor());
            Reference.reachabilityFence(socket);
        }
    }

    private static void closeQuietly(FileDescriptor fd) {
        try {
            new FileInputStream(fd).close();
        } catch (IOException e) {
            // Already closed.
        }
    }
}

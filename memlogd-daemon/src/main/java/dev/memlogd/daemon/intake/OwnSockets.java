package dev.memlogd.daemon.intake;

import java.io.FileDescriptor;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;

import dev.memlogd.daemon.fd.SocketInspector;

/**
 * Tells a received fd that leads back to the daemon itself: a connection to its own query
 * socket. Read as a source, a following connection echoes every entry back into the ring as a
 * new line, which it then echoes again: a loop at 100 % CPU that evicts everyone's history
 * (issue 11, item 5).
 *
 * <p>The check is the peer's address: a client socket connected to a listening Unix socket has
 * as peer address the path that listener was bound to, as the kernel keeps it, whichever path
 * (or hard link) the client connected through. One dup and one {@code getpeername} per received
 * socket, never per line. The kernel's exact answer (the peer's socket inode, which only the
 * {@code sock_diag} netlink gives, and the JDK cannot open netlink sockets) would also tell a
 * same-named socket of another mount namespace from ours; such a source would be refused here,
 * saying so. A loop through another process (a service running {@code logread -F} whose output
 * memlogd reads) is not visible in the fd at all: the per-source rate limit bounds it.
 * Event loop thread only.
 */
public final class OwnSockets {
    /** The query socket's bound path, or null when it has none this check could match. */
    private final String queryPath;

    OwnSockets(String queryPath) {
        this.queryPath = queryPath == null || queryPath.isEmpty() ? null : queryPath;
    }

    /** The daemon's own sockets: its query socket (bound here or inherited). */
    public static OwnSockets of(ServerSocketChannel query) {
        try {
            SocketAddress local = query.getLocalAddress();
            return new OwnSockets(local instanceof UnixDomainSocketAddress
                    ? ((UnixDomainSocketAddress) local).getPath().toString() : null);
        } catch (IOException e) {
            return new OwnSockets(null); // A closed query socket: nothing can connect to it.
        }
    }

    /** Why this received fd must not be a source, or null if it does not lead back to the daemon. */
    String refusal(FileDescriptor fd) {
        if (queryPath == null) {
            return null;
        }
        String peer = SocketInspector.peerPath(fd);
        return queryPath.equals(peer) ? "fd is a connection to this daemon's own query socket (" + peer
                + "): every entry it carries would come back as a new line, for ever" : null;
    }
}

package dev.memlogd.core.client;

import java.io.FileDescriptor;
import java.io.IOException;
import java.net.DatagramPacket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * Hands file descriptors to a memlogd over its log socket, exactly as LinuxKit's init does:
 * one datagram from a fresh, unbound Unix datagram socket, whose payload is the source name
 * (no terminator; an empty name is an empty payload) and whose {@code SCM_RIGHTS} carry the fds.
 * The daemon reads every fd as a stream of lines under that name until EOF.
 *
 * <p><b>Who owns the fds.</b> The kernel duplicates the fds into the datagram; the caller keeps
 * its own copies and should close them once {@code send} returns, so that the daemon sees EOF
 * when the last writer goes away. {@code send} never closes the caller's fds, on success or
 * failure. For a socketpair end, close only the fd, never through junixsocket's channel: its
 * {@code close()} first calls {@code shutdown(SHUT_RDWR)}, which cuts off the copy in flight too
 * ({@link LogStream} does this right).
 *
 * <p><b>Limits.</b> LinuxKit's daemon keeps the first 512 bytes of a name; ours likewise, and it
 * receives at most about 60 fds per datagram. Nothing is checked here, so tests can send hostile
 * names and counts. LinuxKit's senders use one fd per datagram.
 *
 * <p><b>Blocking.</b> The send blocks while the daemon's receive queue is full.
 *
 * <p>Stateless and thread-safe: every call opens and closes its own socket.
 */
public final class FdSender {
    private FdSender() {
    }

    /** Sends {@code fds} under the source {@code name} (UTF-8); see {@link #send(Path, byte[], FileDescriptor...)}. */
    public static void send(Path logSocket, String name, FileDescriptor... fds) throws IOException {
        send(logSocket, name.getBytes(StandardCharsets.UTF_8), fds);
    }

    /**
     * Sends {@code fds} in one datagram whose payload is {@code rawName}, byte for byte.
     *
     * @throws IllegalArgumentException when {@code fds} is empty (LinuxKit ignores such a datagram)
     * @throws NoDaemonException when nobody can be reached at {@code logSocket}
     * @throws IOException when the send itself fails
     */
    public static void send(Path logSocket, byte[] rawName, FileDescriptor... fds) throws IOException {
        if (fds.length == 0) {
            throw new IllegalArgumentException("no fd to send to " + logSocket);
        }
        // junixsocket's DatagramSocket rather than its DatagramChannel: the channel's write() and
        // send() return 0 for an empty buffer without sending anything, so an empty name would be
        // lost; the socket sends a zero-length datagram with the fds (pinned by FdSenderTest).
        try (AFUNIXDatagramSocket socket = AFUNIXDatagramSocket.newInstance()) {
            try {
                socket.connect(AFUNIXSocketAddress.of(logSocket));
            } catch (IOException e) {
                throw NoDaemonException.connectFailed(logSocket, e);
            }
            // junixsocket refuses outbound fds on an unconnected socket ("Not connected"), and
            // attaches them to the next send only.
            socket.setOutboundFileDescriptors(fds);
            socket.send(new DatagramPacket(rawName, rawName.length));
        }
    }
}

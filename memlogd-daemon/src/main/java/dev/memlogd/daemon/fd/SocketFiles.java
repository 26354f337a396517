package dev.memlogd.daemon.fd;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * Socket files at start. LinuxKit leaves its socket files behind, so its restart fails
 * with "address already in use". We remove a leftover file if, and only if, nothing
 * answers on it; a live daemon there is an error, never silently replaced.
 */
public final class SocketFiles {
    private SocketFiles() {
    }

    public static void claim(Path path, boolean datagram) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            Path dir = path.toAbsolutePath().getParent();
            if (dir != null && !Files.isDirectory(dir)) {
                throw new IOException("directory of " + path + " does not exist");
            }
            return;
        }
        if (isLive(path, datagram)) {
            throw new IOException("another process is listening on " + path + " (is memlogd already running?)");
        }
        if (!Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS).isOther()) {
            throw new IOException(path + " exists and is not a socket; not removing it");
        }
        Files.delete(path);
    }

    /**
     * Whether a process answers on {@code path}, as a socket of either kind: a stream socket
     * where a datagram one is wanted (or the other way round) is still another process's, e.g.
     * another daemon's log socket given as this one's query socket.
     */
    private static boolean isLive(Path path, boolean datagram) {
        return datagram ? datagramAnswers(path) || streamAnswers(path) : streamAnswers(path) || datagramAnswers(path);
    }

    private static boolean datagramAnswers(Path path) {
        try (AFUNIXDatagramChannel probe = AFUNIXDatagramChannel.open()) {
            probe.connect(AFUNIXSocketAddress.of(path));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean streamAnswers(Path path) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            // Tell a memlogd that this is no client: a dump request it answers and closes.
            probe.write(ByteBuffer.wrap(new byte[] {0}));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

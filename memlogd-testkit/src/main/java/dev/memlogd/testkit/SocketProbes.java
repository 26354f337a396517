package dev.memlogd.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * Whether a Unix socket file is live: bound by a process that serves it. A socket file can
 * outlive its process, so its existence says nothing; a connect does. Each probe uses a
 * fresh socket and never throws: poll it with {@link Await}.
 */
public final class SocketProbes {
    private SocketProbes() {
    }

    /** Whether a datagram socket can connect to {@code path} (a log socket bound by a live process). */
    public static boolean datagramConnects(Path path) {
        try (AFUNIXDatagramChannel probe = AFUNIXDatagramChannel.open()) {
            probe.connect(AFUNIXSocketAddress.of(path));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether a stream socket can connect to {@code path} (a live process listens on it). */
    public static boolean streamConnects(Path path) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Whether a stream connection to {@code path} that sends {@code request} is answered to its
     * end (the server closes): the server does not only listen, it serves.
     */
    public static boolean streamAnswers(Path path, byte... request) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            ByteBuffer out = ByteBuffer.wrap(request);
            while (out.hasRemaining()) {
                probe.write(out);
            }
            InputStream in = Channels.newInputStream(probe);
            in.transferTo(OutputStream.nullOutputStream());
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

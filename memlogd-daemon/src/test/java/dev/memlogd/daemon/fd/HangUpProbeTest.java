package dev.memlogd.daemon.fd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The probe on real Unix stream connections, as the query socket accepts them, on the JDK running the build. */
@Timeout(30)
class HangUpProbeTest {
    @TempDir
    Path dir;

    private ServerSocketChannel server;
    private SocketChannel peer;
    private SocketChannel ours;
    private HangUpProbe probe;

    @BeforeEach
    void connect() throws IOException {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("q.sock"));
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(address);
        peer = SocketChannel.open(address);
        ours = server.accept();
        ours.configureBlocking(false);
        probe = HangUpProbe.open();
    }

    @AfterEach
    void close() throws IOException {
        probe.close();
        peer.close();
        ours.close();
        server.close();
    }

    @Test
    void peerThatIsStillConnectedHasNotHungUp() throws IOException {
        assertFalse(probe.hungUp(ours));
    }

    @Test
    void peerThatShutDownOnlyItsWritingSideHasNotHungUpAndStillReads() throws IOException {
        peer.shutdownOutput();

        assertEquals(-1, ours.read(ByteBuffer.allocate(1)), "EOF, as for a closed peer");
        assertFalse(probe.hungUp(ours));
        ours.write(ByteBuffer.wrap(new byte[] {'x'}));
        assertEquals(1, peer.read(ByteBuffer.allocate(1)));
    }

    @Test
    void peerThatClosedHasHungUp() throws IOException {
        peer.close();

        assertTrue(probe.hungUp(ours));
    }

    @Test
    void probingTwiceLeavesTheChannelUsable() throws IOException {
        probe.hungUp(ours);
        probe.hungUp(ours);

        ours.write(ByteBuffer.wrap(new byte[] {'x'}));
        assertEquals(1, peer.read(ByteBuffer.allocate(1)));
    }
}

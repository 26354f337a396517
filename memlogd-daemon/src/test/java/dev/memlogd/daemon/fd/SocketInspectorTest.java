package dev.memlogd.daemon.fd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketPair;

/** Real sockets: what a received socket is, asked of the kernel. */
@Timeout(30)
class SocketInspectorTest {
    @TempDir
    Path dir;

    @Test
    void datagramSocketIsDatagramAndStreamSocketIsNot() throws Exception {
        try (AFUNIXDatagramChannel datagram = AFUNIXDatagramChannel.open()) {
            AFUNIXSocketPair<AFUNIXSocketChannel> pair = AFUNIXSocketPair.open();

            assertTrue(SocketInspector.isDatagram(datagram.getFileDescriptor()));
            assertFalse(SocketInspector.isDatagram(pair.getSocket1().getFileDescriptor()));
            pair.getSocket1().close();
            pair.getSocket2().close();
        }
    }

    @Test
    void datagramSocketIsRefusedAsASource() throws Exception {
        try (AFUNIXDatagramChannel datagram = AFUNIXDatagramChannel.open()) {
            String refusal = FdInspector.refusal(datagram.getFileDescriptor(),
                    FdChannels.fdNumber(datagram.getFileDescriptor()));

            assertTrue(refusal.contains("datagram socket"), refusal);
        }
    }

    @Test
    void connectionToAListeningSocketHasThatSocketsPathAsPeer() throws Exception {
        Path path = dir.resolve("q.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
            try (AFUNIXSocketChannel client = AFUNIXSocketChannel.open(AFUNIXSocketAddress.of(path))) {

                String peer = SocketInspector.peerPath(client.getFileDescriptor());

                assertEquals(path.toString(), peer);
            }
        }
    }

    @Test
    void socketpairEndHasNoPeerPath() throws Exception {
        AFUNIXSocketPair<AFUNIXSocketChannel> pair = AFUNIXSocketPair.open();

        String peer = SocketInspector.peerPath(pair.getSocket1().getFileDescriptor());

        assertNull(peer);
        pair.getSocket1().close();
        pair.getSocket2().close();
    }

    @Test
    void nonSocketHasNoPeerPath() throws Exception {
        try (FileInputStream in = new FileInputStream("/dev/null")) {

            assertNull(SocketInspector.peerPath(in.getFD()));
        }
    }

    @Test
    void askingForThePeerLeavesTheSocketUsable() throws Exception {
        Path path = dir.resolve("q.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
            try (AFUNIXSocketChannel client = AFUNIXSocketChannel.open(AFUNIXSocketAddress.of(path));
                    SocketChannel accepted = server.accept()) {

                SocketInspector.peerPath(client.getFileDescriptor());

                client.write(ByteBuffer.wrap(new byte[] {'x'}));
                ByteBuffer read = ByteBuffer.allocate(1);
                assertEquals(1, accepted.read(read));
            }
        }
    }
}

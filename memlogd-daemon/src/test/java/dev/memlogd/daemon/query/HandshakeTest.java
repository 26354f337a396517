package dev.memlogd.daemon.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.core.wire.QueryRequest;

/** The handshake over a real Unix stream connection: what the client sends, what it becomes. */
@Timeout(30)
class HandshakeTest {
    @TempDir
    Path dir;

    private ServerSocketChannel server;
    private SocketChannel client;
    private Handshake handshake;

    @BeforeEach
    void connect() throws IOException {
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(dir.resolve("q.sock")));
        client = SocketChannel.open(server.getLocalAddress());
        SocketChannel accepted = server.accept();
        accepted.configureBlocking(false);
        handshake = new Handshake(accepted, Peer.UNKNOWN, Long.MAX_VALUE, null);
    }

    @AfterEach
    void close() throws IOException {
        client.close();
        handshake.channel.close();
        server.close();
    }

    private void send(byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            client.write(buffer);
        }
    }

    /** Reads whenever the connection is readable, until the handshake has a request (or refuses). */
    private QueryRequest readUntilComplete() throws Exception {
        try (Selector selector = Selector.open()) {
            handshake.channel.register(selector, SelectionKey.OP_READ);
            while (true) {
                selector.select();
                selector.selectedKeys().clear();
                QueryRequest request = handshake.read();
                if (request != null) {
                    return request;
                }
            }
        }
    }

    @Test
    void nothingSentYetIsNotARequest() throws Exception {
        assertNull(handshake.read());
    }

    @Test
    void linuxKitModeByteIsAWholeRequest() throws Exception {
        send(new byte[] {LinuxKit.MODE_DUMP_FOLLOW});

        assertEquals(new QueryRequest(true, true, -1, -1, List.of()), handshake.read());
    }

    @Test
    void queryModeReadsItsJsonLineEvenWhenItArrivesInPieces() throws Exception {
        send(new byte[] {LinuxKit.MODE_QUERY});
        assertNull(handshake.read());
        send("{\"dump\":true,\"follow\":false,".getBytes(StandardCharsets.UTF_8));
        assertNull(handshake.read());
        send("\"after\":7}\n".getBytes(StandardCharsets.UTF_8));

        QueryRequest request = handshake.read();

        assertEquals(7, request.after());
        assertTrue(request.dump());
    }

    @Test
    void requestLineLongerThan64KiBIsRefusedWithTheLimitInTheMessage() throws Exception {
        send(new byte[] {LinuxKit.MODE_QUERY});
        byte[] longLine = new byte[Handshake.MAX_REQUEST_LENGTH + 1];
        java.util.Arrays.fill(longLine, (byte) ' ');
        Thread writer = new Thread(() -> {
            try {
                send(longLine);
            } catch (IOException e) {
                // The test fails on the handshake side if the bytes do not arrive.
            }
        });
        writer.start();

        Handshake.Refused refused = assertThrows(Handshake.Refused.class, this::readUntilComplete);
        writer.interrupt();

        assertEquals(65536, Handshake.MAX_REQUEST_LENGTH);
        assertTrue(refused.getMessage().contains("longer than 65536 bytes"), refused.getMessage());
    }

    @Test
    void unknownModeByteIsRefusedWithTheModesThatExist() throws Exception {
        send(new byte[] {9});

        Handshake.Refused refused = assertThrows(Handshake.Refused.class, handshake::read);

        assertTrue(refused.getMessage().startsWith("unknown mode byte 9"), refused.getMessage());
    }
}

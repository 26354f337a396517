package dev.memlogd.core.client;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.memlogd.core.wire.LinuxKit;

/**
 * A query socket standing in for the daemon: accepts one client on a thread, reads its mode byte
 * (and for mode 3 the request line), writes a canned reply and closes.
 */
final class FakeQueryServer implements Closeable {
    private final ServerSocketChannel server;
    private final CompletableFuture<byte[]> request = new CompletableFuture<>();

    private FakeQueryServer(ServerSocketChannel server) {
        this.server = server;
    }

    static FakeQueryServer bind(Path path) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        return new FakeQueryServer(server);
    }

    void replyWith(String reply) {
        replyWith(reply.getBytes(StandardCharsets.UTF_8));
    }

    /** Serves one client on a new thread. */
    void replyWith(byte[] reply) {
        Thread thread = new Thread(() -> {
            try (SocketChannel client = server.accept()) {
                request.complete(readRequest(client));
                ByteBuffer out = ByteBuffer.wrap(reply);
                while (out.hasRemaining()) {
                    client.write(out);
                }
            } catch (IOException | RuntimeException e) {
                request.completeExceptionally(e);
            }
        }, "fake-query-server");
        thread.setDaemon(true);
        thread.start();
    }

    private static byte[] readRequest(SocketChannel client) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (client.read(one.clear()) == 1) {
            bytes.write(one.get(0));
            if (bytes.toByteArray()[0] != LinuxKit.MODE_QUERY || one.get(0) == '\n') {
                break;
            }
        }
        return bytes.toByteArray();
    }

    /** What the client sent: its mode byte, and for mode 3 the request line with its newline. */
    byte[] awaitRequest() throws Exception {
        return request.get(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

package dev.memlogd.logread;

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
 * A query socket standing in for memlogd: serves one client on a thread, records its mode byte
 * (and for mode 3 the request line), writes canned lines and closes.
 */
final class FakeMemlogd implements Closeable {
    private final ServerSocketChannel server;
    private final CompletableFuture<byte[]> request = new CompletableFuture<>();

    private FakeMemlogd(ServerSocketChannel server) {
        this.server = server;
    }

    /** Binds {@code path} and serves one client that will get {@code reply}. */
    static FakeMemlogd serve(Path path, String reply) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        FakeMemlogd fake = new FakeMemlogd(server);
        Thread thread = new Thread(() -> fake.serveOne(reply.getBytes(StandardCharsets.UTF_8)), "fake-memlogd");
        thread.setDaemon(true);
        thread.start();
        return fake;
    }

    private void serveOne(byte[] reply) {
        try (SocketChannel client = server.accept()) {
            request.complete(readRequest(client));
            ByteBuffer out = ByteBuffer.wrap(reply);
            while (out.hasRemaining()) {
                client.write(out);
            }
        } catch (IOException | RuntimeException e) {
            request.completeExceptionally(e);
        }
    }

    private static byte[] readRequest(SocketChannel client) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (client.read(one.clear()) == 1) {
            bytes.write(one.get(0));
            boolean query = bytes.toByteArray()[0] == LinuxKit.MODE_QUERY;
            if (!query || one.get(0) == '\n') {
                break;
            }
        }
        return bytes.toByteArray();
    }

    /** The client's mode byte, and for mode 3 the request line with its newline. */
    byte[] awaitRequest() throws Exception {
        return request.get(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

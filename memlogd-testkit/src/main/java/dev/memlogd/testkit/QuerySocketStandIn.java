package dev.memlogd.testkit;

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

/**
 * A query socket standing in for memlogd: a real Unix stream socket that accepts one client on
 * a thread, records its mode byte (and, after the request-line mode byte, the request line),
 * writes a canned reply and closes. For testing query clients ({@code QueryClient},
 * {@code logread}).
 */
public final class QuerySocketStandIn implements Closeable {
    private final ServerSocketChannel server;
    private final byte requestLineMode;
    private final CompletableFuture<byte[]> request = new CompletableFuture<>();

    private QuerySocketStandIn(ServerSocketChannel server, byte requestLineMode) {
        this.server = server;
        this.requestLineMode = requestLineMode;
    }

    /**
     * Binds {@code path}. {@code requestLineMode} is the mode byte that a request line follows
     * ({@code LinuxKit.MODE_QUERY}); the caller names it because the test-kit sits below
     * memlogd-core, where the protocol's constants live.
     */
    public static QuerySocketStandIn bind(Path path, byte requestLineMode) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        return new QuerySocketStandIn(server, requestLineMode);
    }

    public void replyWith(String reply) {
        replyWith(reply.getBytes(StandardCharsets.UTF_8));
    }

    /** Serves one client on a new thread: reads its request, writes {@code reply}, closes. */
    public void replyWith(byte[] reply) {
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
        }, "query-socket-stand-in");
        thread.setDaemon(true);
        thread.start();
    }

    private byte[] readRequest(SocketChannel client) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (client.read(one.clear()) == 1) {
            bytes.write(one.get(0));
            if (bytes.toByteArray()[0] != requestLineMode || one.get(0) == '\n') {
                break;
            }
        }
        return bytes.toByteArray();
    }

    /** What the client sent: its mode byte, and after the request-line mode byte the line with its newline. */
    public byte[] awaitRequest() throws Exception {
        return request.get(20, TimeUnit.SECONDS);
    }

    /** Closes the socket; the JDK leaves the socket file in place. */
    @Override
    public void close() throws IOException {
        server.close();
    }
}

package dev.memlogd.core.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.core.wire.QueryRequest;

/**
 * One connection to a memlogd query socket: sends the mode byte (and, for our
 * {@link LinuxKit#MODE_QUERY}, the JSON request line), then reads the server's JSON lines.
 * Works against LinuxKit's memlogd for modes 0 to 2.
 *
 * <pre>
 * try (QueryClient client = QueryClient.open(socket, LinuxKit.MODE_DUMP)) {
 *     for (String line = client.readLine(); line != null; line = client.readLine()) { ... }
 * }
 * </pre>
 *
 * <p><b>Threads.</b> One thread reads; {@link #close()} may be called from any thread, and a
 * {@link #readLine()} blocked in another thread then fails with an
 * {@link java.nio.channels.AsynchronousCloseException}. The client owns its socket and closes it.
 */
public final class QueryClient implements AutoCloseable {
    /** A line longer than this is not from a memlogd (ours sends at most about 6 KiB with default limits). */
    public static final int MAX_LINE_BYTES = 16 << 20;

    private final Path socket;
    private final SocketChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 << 10).flip();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
    private boolean eof;

    private QueryClient(Path socket, SocketChannel channel) {
        this.socket = socket;
        this.channel = channel;
    }

    /**
     * Connects and sends one of LinuxKit's mode bytes ({@link LinuxKit#MODE_DUMP},
     * {@link LinuxKit#MODE_FOLLOW}, {@link LinuxKit#MODE_DUMP_FOLLOW}); other values are sent as
     * given (the daemon answers an unknown mode with a notice).
     *
     * @throws IllegalArgumentException for {@link LinuxKit#MODE_QUERY}: use {@link #open(Path, QueryRequest)}
     * @throws NoDaemonException when nobody can be reached at {@code socket}
     */
    public static QueryClient open(Path socket, byte mode) throws IOException {
        if (mode == LinuxKit.MODE_QUERY) {
            throw new IllegalArgumentException("mode " + mode + " needs a request: use open(Path, QueryRequest)");
        }
        return openRaw(socket, new byte[] {mode});
    }

    /**
     * Connects and sends {@link LinuxKit#MODE_QUERY}, {@code request} as JSON and {@code '\n'}.
     *
     * @throws NoDaemonException when nobody can be reached at {@code socket}
     */
    public static QueryClient open(Path socket, QueryRequest request) throws IOException {
        byte[] json = request.toJson().getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[json.length + 2];
        bytes[0] = LinuxKit.MODE_QUERY;
        System.arraycopy(json, 0, bytes, 1, json.length);
        bytes[bytes.length - 1] = '\n';
        return openRaw(socket, bytes);
    }

    /**
     * Connects and sends {@code request} verbatim (the mode byte and whatever follows), for tests
     * of what a daemon does with unusual requests.
     *
     * @throws NoDaemonException when nobody can be reached at {@code socket}
     */
    public static QueryClient openRaw(Path socket, byte[] request) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                throw NoDaemonException.connectFailed(socket, e);
            }
            ByteBuffer out = ByteBuffer.wrap(request);
            while (out.hasRemaining()) {
                channel.write(out);
            }
            return new QueryClient(socket, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * The next line the server sent, without its {@code '\n'}, decoded as UTF-8 (invalid bytes
     * become U+FFFD). Only {@code '\n'} ends a line. A last line without {@code '\n'} is returned
     * at end of stream.
     *
     * @return the line, or null once the server has closed the connection and every line was read
     * @throws IOException when reading fails or a line exceeds {@link #MAX_LINE_BYTES}
     */
    public String readLine() throws IOException {
        line.reset();
        while (true) {
            byte[] bytes = buffer.array();
            int start = buffer.position();
            int limit = buffer.limit();
            for (int i = start; i < limit; i++) {
                if (bytes[i] == '\n') {
                    line.write(bytes, start, i - start);
                    buffer.position(i + 1);
                    return line.toString(StandardCharsets.UTF_8);
                }
            }
            line.write(bytes, start, limit - start);
            buffer.position(limit);
            if (line.size() > MAX_LINE_BYTES) {
                throw new IOException("a line from " + socket + " exceeds " + MAX_LINE_BYTES + " bytes");
            }
            if (eof || !fill()) {
                eof = true;
                return line.size() > 0 ? line.toString(StandardCharsets.UTF_8) : null;
            }
        }
    }

    /** Reads more bytes into the buffer; false at end of stream. */
    private boolean fill() throws IOException {
        buffer.clear();
        int n;
        try {
            do {
                n = channel.read(buffer);
            } while (n == 0);
        } finally {
            buffer.flip();
        }
        return n > 0;
    }

    /** The socket this client is connected to. */
    public Path socket() {
        return socket;
    }

    /** Closes the connection; the daemon then drops this reader. Idempotent. */
    @Override
    public void close() throws IOException {
        channel.close();
    }
}

package dev.memlogd.e2e;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import dev.memlogd.core.wire.EntryJsonParser;
import dev.memlogd.core.wire.LogEntry;

/**
 * A query connection at the byte level, with the JDK's own Unix socket: for clients the core
 * {@code QueryClient} would never be (unknown mode byte, silence) and for reading the daemon's
 * exact bytes (to prove they are valid UTF-8). Reads block: use it under {@code @Timeout}.
 */
final class RawQuery implements AutoCloseable {
    private final SocketChannel channel;
    private final InputStream in;

    private RawQuery(SocketChannel channel) {
        this.channel = channel;
        this.in = new BufferedInputStream(Channels.newInputStream(channel));
    }

    static RawQuery connect(Path querySocket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(querySocket));
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return new RawQuery(channel);
    }

    /** Connects, sends one mode byte and reads everything up to the server's close. */
    static byte[] request(Path querySocket, int mode) throws IOException {
        try (RawQuery query = connect(querySocket)) {
            query.send(mode);
            return query.readToEnd();
        }
    }

    void send(int... bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(bytes.length);
        for (int b : bytes) {
            buffer.put((byte) b);
        }
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Shuts down our writing side: the server reads EOF after what was sent. */
    void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    /** Reads up to and including the next {@code '\n'}; null at EOF before any byte. */
    byte[] readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0; b = in.read()) {
            line.write(b);
            if (b == '\n') {
                return line.toByteArray();
            }
        }
        return line.size() == 0 ? null : line.toByteArray();
    }

    /**
     * The next line, parsed; null where the stream ends between two lines.
     *
     * @throws AssertionError when the stream ends inside a line: what a reader must never see
     */
    LogEntry readEntry() throws IOException {
        byte[] line = readLine();
        if (line == null) {
            return null;
        }
        String text = new String(line, StandardCharsets.UTF_8);
        if (line[line.length - 1] != '\n') {
            throw new AssertionError("the stream ended inside a line, after " + line.length + " bytes: " + text);
        }
        return EntryJsonParser.parse(text.substring(0, text.length() - 1));
    }

    /** Everything until the server closes the connection. */
    byte[] readToEnd() throws IOException {
        return in.readAllBytes();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}

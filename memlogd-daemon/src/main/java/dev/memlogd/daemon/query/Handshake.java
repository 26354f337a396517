package dev.memlogd.daemon.query;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.core.wire.QueryRequest;
import dev.memlogd.daemon.loop.KeyHandler;

/**
 * A query client before it is a follower: waiting for its mode byte, and for mode
 * {@link LinuxKit#MODE_QUERY} its JSON request line. Attached to the client's key until the
 * request is complete; the {@link QueryAcceptor} then makes it a follower or refuses it.
 *
 * <p>Unlike LinuxKit, which reads the mode byte inside its accept loop (one silent client
 * blocks every other), this waits in the event loop, with a deadline; an unknown mode or a
 * bad request gets a {@code memlogd} notice explaining it instead of a hung connection.
 * Event loop thread only.
 */
public final class Handshake implements KeyHandler {
    /** Requests are one line; anything longer is refused. */
    static final int MAX_REQUEST_LENGTH = 64 << 10;

    /** The handshake went wrong: {@link #getMessage()} is told to the client and logged. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    final SocketChannel channel;
    /** Who connected, read once at accept. */
    final Peer peer;
    final long deadlineNanos;
    private final QueryAcceptor acceptor;
    private ByteBuffer in = ByteBuffer.allocate(1);
    private int mode = -1;

    Handshake(SocketChannel channel, Peer peer, long deadlineNanos, QueryAcceptor acceptor) {
        this.channel = channel;
        this.peer = peer;
        this.deadlineNanos = deadlineNanos;
        this.acceptor = acceptor;
    }

    @Override
    public void onReady(SelectionKey key) {
        acceptor.continueHandshake(this);
    }

    @Override
    public void abandon() {
        acceptor.drop(this);
    }

    /**
     * Reads what the client sent so far.
     *
     * @return the request once complete, or null while more is needed
     * @throws Refused for an unknown mode, a malformed or over-long request, or EOF before a request
     * @throws IOException when the connection failed
     */
    QueryRequest read() throws IOException, Refused {
        int n = channel.read(in);
        if (n < 0) {
            throw new Refused(mode < 0 ? "client closed the connection before sending a mode byte"
                    : "client closed the connection before finishing its request line");
        }
        if (mode < 0) {
            if (in.position() == 0) {
                return null;
            }
            mode = in.get(0) & 0xff;
            switch (mode) {
                case LinuxKit.MODE_DUMP:
                    return new QueryRequest(true, false, -1, -1, List.of());
                case LinuxKit.MODE_FOLLOW:
                    return new QueryRequest(false, true, -1, -1, List.of());
                case LinuxKit.MODE_DUMP_FOLLOW:
                    return new QueryRequest(true, true, -1, -1, List.of());
                case LinuxKit.MODE_QUERY:
                    in = ByteBuffer.allocate(256);
                    return read();
                default:
                    throw new Refused("unknown mode byte " + mode + "; modes are 0 dump, 1 follow, 2 dump then follow,"
                            + " 3 JSON query (docs/protocol.md)");
            }
        }
        return requestLine();
    }

    private QueryRequest requestLine() throws Refused {
        for (int i = 0; i < in.position(); i++) {
            if (in.get(i) == '\n') {
                String json = new String(in.array(), 0, i, StandardCharsets.UTF_8);
                try {
                    return QueryRequest.parse(json);
                } catch (IllegalArgumentException e) {
                    throw new Refused("bad query request: " + e.getMessage());
                }
            }
        }
        if (!in.hasRemaining()) {
            if (in.capacity() >= MAX_REQUEST_LENGTH) {
                throw new Refused("query request longer than " + MAX_REQUEST_LENGTH + " bytes without a newline");
            }
            ByteBuffer bigger = ByteBuffer.allocate(Math.min(MAX_REQUEST_LENGTH, in.capacity() * 4));
            in.flip();
            bigger.put(in);
            in = bigger;
        }
        return null;
    }
}

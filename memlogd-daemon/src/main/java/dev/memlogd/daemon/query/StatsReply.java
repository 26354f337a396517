package dev.memlogd.daemon.query;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

import dev.memlogd.daemon.loop.KeyHandler;

/**
 * A statistics answer on its way to the client: written as the socket takes it (an answer for
 * thousands of sources is larger than a socket buffer), then the connection is closed. The
 * client has until its deadline to read it, as for its mode byte; then it is dropped. Event
 * loop thread only.
 */
final class StatsReply implements KeyHandler {
    final SocketChannel channel;
    final long deadlineNanos;
    private final ByteBuffer answer;
    private final Consumer<StatsReply> done;

    StatsReply(SocketChannel channel, byte[] answer, long deadlineNanos, Consumer<StatsReply> done) {
        this.channel = channel;
        this.answer = ByteBuffer.wrap(answer);
        this.deadlineNanos = deadlineNanos;
        this.done = done;
    }

    /** Writes what the socket takes; true once all is sent or the client is gone. */
    boolean send() {
        try {
            channel.write(answer);
            return !answer.hasRemaining();
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void onReady(SelectionKey key) {
        if (send()) {
            done.accept(this);
        }
    }

    @Override
    public void abandon() {
        done.accept(this);
    }
}

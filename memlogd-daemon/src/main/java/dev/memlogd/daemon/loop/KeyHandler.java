package dev.memlogd.daemon.loop;

import java.nio.channels.SelectionKey;

/**
 * What every selection key of the daemon has attached: the one thing that knows what a ready
 * key means (a source to read, a datagram to receive, a client to accept or to write to). The
 * loop hands each ready key to its handler and knows nothing else about it.
 *
 * <p>Per-connection state lives in the handler. A handler deals with its own I/O errors (EOF,
 * reset, EPIPE close that channel only); the loop calls {@link #abandon} only for a bug.
 * Event loop thread only.
 */
public interface KeyHandler {
    /** The key is ready; its {@code readyOps()} say for what. */
    void onReady(SelectionKey key);

    /**
     * A bug (an unexpected RuntimeException) met while handling this key: let go of what
     * belongs to this handler alone (its channel), never of the daemon's own sockets.
     */
    void abandon();
}

package dev.memlogd.daemon.fd;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * Tells a peer that has closed its connection from one that has only shut down its writing
 * side. Both read as EOF; only the first is gone, the second (a pipe into {@code socat},
 * {@code nc -N}) still reads everything it is sent.
 *
 * <p>How, with the JDK's public API only: when the kernel reports a hang-up (POLLHUP: the
 * peer shut down both directions, or closed), the JDK's selectors mark every operation the
 * key is interested in as ready, {@code OP_CONNECT} included; otherwise {@code OP_CONNECT} is
 * never ready on a channel that is already connected. So a connected channel registered for
 * {@code OP_CONNECT} with a selector of its own is selected exactly when its peer hung up.
 * The main selector cannot do this (the key would be "writable" at every round and the loop
 * would spin), so the probe registers the channel, selects once and deregisters it, only when
 * a reader's EOF has to be told apart. {@code HangUpProbeTest} proves it on the running JDK.
 *
 * <p>Holds one selector (an epoll fd and its wakeup fd) for the daemon's life. Event loop
 * thread only.
 */
public final class HangUpProbe implements Closeable {
    private final Selector selector;

    private HangUpProbe(Selector selector) {
        this.selector = selector;
    }

    public static HangUpProbe open() throws IOException {
        return new HangUpProbe(Selector.open());
    }

    /**
     * Whether the peer of this connected, non-blocking channel has closed (or shut down both
     * directions), as opposed to shutting down only its writing side.
     *
     * @throws IOException when the channel cannot be registered (it is closed)
     */
    public boolean hungUp(SocketChannel channel) throws IOException {
        SelectionKey key = channel.register(selector, SelectionKey.OP_CONNECT);
        try {
            selector.selectNow();
            return selector.selectedKeys().contains(key) && (key.readyOps() & SelectionKey.OP_CONNECT) != 0;
        } finally {
            selector.selectedKeys().clear();
            key.cancel();
            // Deregisters at once: a channel closed while still registered here would keep its
            // fd open until this selector's next select.
            selector.selectNow();
        }
    }

    @Override
    public void close() throws IOException {
        selector.close();
    }
}

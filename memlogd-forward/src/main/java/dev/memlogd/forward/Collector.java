package dev.memlogd.forward;

import java.io.Closeable;
import java.io.IOException;

/**
 * One connection to the collector, as {@link Collectors#open} made it. {@link #send} and
 * {@link #flush} on the forwarder's thread; {@link #broken()} from any thread.
 */
interface Collector extends Closeable {
    /** Sends one message, framed as the transport frames it (buffered until {@link #flush}). */
    void send(byte[] message) throws IOException;

    /** Hands every message sent so far to the kernel. */
    void flush() throws IOException;

    /** Null while the connection has shown no error or close; else what happened. */
    String broken();

    /** Whether the transport can lose what it sent without ever knowing (UDP). */
    boolean lossy();

    /**
     * Ends the connection the way that tells the forwarder the collector read everything: shuts
     * down the sending side and waits up to {@code millis} for the collector to close its own,
     * which it does only after reading what came before.
     *
     * @return whether the collector closed in time (false: nothing can be said)
     */
    boolean drain(long millis) throws IOException;
}

package dev.memlogd.forward;

import java.io.Closeable;
import java.io.IOException;

/**
 * One connection to the collector, as {@link Collectors#open} made it. Every method on the
 * forwarder's thread except {@link #broken()}, from any thread. Messages are counted from the
 * first sent on this connection; what the collector "has" of them is each transport's rule
 * (docs/forwarding.md, "Delivery").
 */
interface Collector extends Closeable {
    /**
     * Sends one message, framed as the transport frames it (buffered until {@link #flush}). May
     * wait: a blocking write (TCP flow control), a full RELP window.
     */
    void send(byte[] message) throws IOException;

    /** Hands every message sent so far to the kernel. */
    void flush() throws IOException;

    /**
     * How many of the messages sent on this connection, from the first, the collector has: UDP
     * every one sent; TCP and TLS those flushed at least the acknowledgement window ago (none
     * more once the connection is {@link #broken()}); RELP those the collector answered
     * {@code 200 OK}. Never goes down.
     */
    long acknowledged(long nowNanos);

    /**
     * Asks for the wakeup given to {@link Collectors#open} when the collector next acknowledges
     * something, once (the forwarder waits for room in its in-flight bound). Transports that do
     * not acknowledge ignore it: time does it, at the forwarder's next tick.
     */
    /**
     * Whether {@link #acknowledged} moves message by message (RELP's answers), so the
     * forwarder keeps a position per message; else it moves by what was flushed together.
     */
    default boolean acknowledgesEachMessage() {
        return false;
    }

    default void wakeOnAcknowledgement() {
    }

    /** Null while the connection has shown no error or close; else what happened. */
    String broken();

    /**
     * Ends the connection the way that tells the forwarder the collector has everything: TCP
     * and TLS shut down the sending side and wait up to {@code millis} for the collector to
     * close its own, which it does only after reading what came before; RELP sends
     * {@code close} and waits for its answer, which comes after every other.
     *
     * @return whether the collector confirmed in time (false: nothing can be said)
     */
    boolean drain(long millis) throws IOException;
}

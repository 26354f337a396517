package dev.memlogd.core.wire;

import java.nio.ByteBuffer;

/**
 * A one-entry cache of {@link GoTime#formatRfc3339Nano(long, byte[], int) RFC3339Nano} text:
 * the last time stamp written and its formatted bytes, copied again while the same stamp
 * repeats.
 *
 * <p>The daemon stamps every line of one read with the same time, so the entries a reader is
 * sent come in runs of equal stamps (up to one per line of a 16 KiB read). Formatting a time
 * costs dozens of integer divisions; copying the bytes it gave for the previous entry takes
 * one bulk put. A different stamp within the same second as the cached one (the usual case
 * from one read to the next) keeps the cached {@code YYYY-MM-DDTHH:MM:SS} and formats only
 * the fraction; any other stamp is formatted whole. Either way the result is the bytes
 * {@link GoTime#formatRfc3339Nano(long, ByteBuffer)} writes.
 *
 * <p>Not thread-safe: it is mutable state, meant to be owned by one reader (a follower on the
 * event-loop thread). Allocates only its 30-byte array, once, at construction.
 */
public final class TimeText {
    private final byte[] text = new byte[GoTime.MAX_FORMATTED_LENGTH];
    /** Bytes of {@link #text} in use; 0 until the first time is formatted (a time is never empty). */
    private int length;
    /** The stamp {@link #text} holds, when {@link #length} is not 0. */
    private long epochNanos;
    /** {@code floorDiv(epochNanos, 1e9)}: the second whose date and time {@link #text} starts with. */
    private long epochSecond;

    /** An empty cache: the first {@link #put} formats. */
    public TimeText() {
    }

    /**
     * Puts {@code epochNanos} as RFC3339Nano in UTC at {@code out}'s position, the same bytes
     * as {@link GoTime#formatRfc3339Nano(long, ByteBuffer)}; formats only what differs from
     * the previous call's stamp. Allocates nothing. All or nothing: when the text does not
     * fit, {@code out} is left unchanged (the cache may still have been updated).
     *
     * @throws java.nio.BufferOverflowException when {@code out} has too little room for the text
     * @throws java.nio.ReadOnlyBufferException when {@code out} is read-only
     */
    public void put(long epochNanos, ByteBuffer out) {
        if (length == 0 || epochNanos != this.epochNanos) {
            long second = Math.floorDiv(epochNanos, GoTime.NANOS_PER_SECOND);
            if (length != 0 && second == epochSecond) {
                int nanos = (int) Math.floorMod(epochNanos, GoTime.NANOS_PER_SECOND);
                length = GoTime.formatFraction(nanos, text, GoTime.SECONDS_LENGTH);
            } else {
                length = GoTime.formatRfc3339Nano(epochNanos, text, 0);
                epochSecond = second;
            }
            this.epochNanos = epochNanos;
        }
        out.put(text, 0, length);
    }
}

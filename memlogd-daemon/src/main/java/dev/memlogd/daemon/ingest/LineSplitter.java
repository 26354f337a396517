package dev.memlogd.daemon.ingest;

import java.nio.ByteBuffer;

import dev.memlogd.core.bytes.ByteScan;
import dev.memlogd.core.ring.RecordDescriptor;

/**
 * Splits the bytes read from one source into lines, as LinuxKit's memlogd does: on
 * {@code '\n'}; a {@code "\r\n"} ending loses the {@code '\r'} (a lone {@code '\r'} stays);
 * empty lines are entries; a line longer than {@code maxLineLength} keeps its first
 * {@code maxLineLength} bytes, is flagged {@link RecordDescriptor#FLAG_TRUNCATED}, and the
 * rest of it is dropped; a final line without newline is emitted at EOF.
 *
 * <p>Whole lines are handed to the sink straight out of the read buffer; only the bytes of
 * a line that spans reads are copied, into the source's pending buffer (at most
 * {@code maxLineLength} bytes per source). No allocation per line. Single-threaded.
 */
public final class LineSplitter {
    /** Receives each complete line. The bytes are valid only during the call. */
    public interface LineSink {
        void line(Source source, ByteBuffer data, int index, int length, int flags);

        /**
         * Whether the sink takes no more lines for now; asked before each line. The daemon
         * says so when one more entry could evict one that a reader it waits for has not been
         * sent (see Ingest).
         */
        default boolean full() {
            return false;
        }
    }

    private final int maxLineLength;
    private final LineSink sink;

    public LineSplitter(int maxLineLength, LineSink sink) {
        this.maxLineLength = maxLineLength;
        this.sink = sink;
    }

    /**
     * Splits {@code data} between its position and limit. Normally leaves the position at the
     * limit and returns true; if the sink is {@linkplain LineSink#full() full} before a line,
     * stops there with the position at the start of that line's bytes, having changed nothing
     * for that line, and returns false: calling again with the same buffer carries on.
     */
    public boolean split(Source source, ByteBuffer data) {
        int start = data.position();
        int limit = data.limit();
        int i;
        // Eight bytes per step: this search touches every byte the daemon ingests. It reads
        // the buffer in the order it has (the daemon's direct read buffer is big-endian).
        while ((i = ByteScan.indexOf(data, start, limit, (byte) '\n')) >= 0) {
            if (sink.full()) {
                data.position(start);
                return false;
            }
            if (source.hasPartialLine()) {
                appendPartial(source, data, start, i - start);
                emitPending(source, true);
            } else {
                emitWhole(source, data, start, i - start);
            }
            start = i + 1;
        }
        if (start < limit) {
            appendPartial(source, data, start, limit - start);
        }
        data.position(limit);
        return true;
    }

    /** The source reached EOF: its last line, if it had no newline, is an entry too. */
    public void endOfInput(Source source) {
        if (source.hasPartialLine()) {
            emitPending(source, false);
        }
    }

    private void emitWhole(Source source, ByteBuffer data, int index, int length) {
        if (length > 0 && data.get(index + length - 1) == '\r') {
            length--;
        }
        int flags = 0;
        if (length > maxLineLength) {
            length = maxLineLength;
            flags = RecordDescriptor.FLAG_TRUNCATED;
        }
        sink.line(source, data, index, length, flags);
    }

    private void appendPartial(Source source, ByteBuffer data, int index, int length) {
        ByteBuffer pending = source.pending(maxLineLength);
        int room = maxLineLength - pending.position();
        int kept = Math.min(room, length);
        pending.put(pending.position(), data, index, kept).position(pending.position() + kept);
        if (length > kept) {
            if (source.overflow == 0) {
                source.firstOverflowByte = data.get(index + kept);
            }
            source.overflow += length - kept;
        }
        source.partial = true;
    }

    private void emitPending(Source source, boolean newline) {
        ByteBuffer pending = source.pendingBuffer();
        int length = pending == null ? 0 : pending.position();
        int flags = 0;
        if (source.overflow == 0) {
            if (newline && length > 0 && pending.get(length - 1) == '\r') {
                length--;
            }
        } else if (!(newline && source.overflow == 1 && source.firstOverflowByte == '\r')) {
            // One extra '\r' before the newline is the "\r\n" ending, not a long line.
            flags = RecordDescriptor.FLAG_TRUNCATED;
        }
        sink.line(source, pending == null ? EMPTY : pending, 0, length, flags);
        if (pending != null) {
            pending.clear();
        }
        source.overflow = 0;
        source.partial = false;
    }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
}

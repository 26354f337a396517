package dev.memlogd.core.ring;

import static dev.memlogd.core.ring.RecordDescriptor.ALIGNMENT;
import static dev.memlogd.core.ring.RecordDescriptor.FLAG_PADDING;
import static dev.memlogd.core.ring.RecordDescriptor.HEADER_LENGTH;
import static dev.memlogd.core.ring.RecordDescriptor.LENGTH_OFFSET;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The daemon's whole memory of log entries: flat records (layout: {@link RecordDescriptor})
 * in one preallocated heap buffer, plus an index from sequence number to record.
 *
 * <h2>Important notes</h2>
 * <ul>
 *   <li><b>Single-threaded: call only from the owner thread</b> (the daemon's selector
 *       thread, which both appends and serves followers). There are no locks and no
 *       volatile fields; do not share a ring, its {@link #buffer()} or a {@link RingCursor}
 *       with another thread.</li>
 *   <li>Nothing is allocated after construction: {@link #append} copies bytes into the
 *       buffer and readers read them in place with absolute gets.</li>
 *   <li>Sequence numbers are 64-bit, start at 1, grow by one per append and are never
 *       reused. A reader that falls behind is lapped, not waited for: see
 *       {@link RingCursor#lapped()}.</li>
 * </ul>
 *
 * <h2>Bounds and eviction</h2>
 * The ring holds at most {@link #maxLines()} entries and at most {@link #capacity()} bytes
 * ({@code maxBytes} rounded up to {@link RecordDescriptor#ALIGNMENT}). Each record takes
 * {@code alignedLength(HEADER_LENGTH + sourceLength + msgLength)} bytes. An append:
 * <ol>
 *   <li>evicts the oldest entry if {@code size() == maxLines()};</li>
 *   <li>places the record at the tail offset if it fits before the end of the buffer;
 *       otherwise a padding record ({@link RecordDescriptor#FLAG_PADDING}) covers the tail
 *       from the tail offset to the end and the record starts at offset 0;</li>
 *   <li>evicts oldest entries until {@code bytesUsed() + padding + alignedLength <=
 *       capacity()}: the span from the start of the oldest held record to the end of the new
 *       record, padding included, fits in the buffer, so neither the new record nor the
 *       padding overlaps a held record. If that empties the ring, no padding is kept: the
 *       record alone is held, at offset 0 when it did not fit before the end.</li>
 * </ol>
 * A record longer than {@code capacity()} is rejected by {@link #append}; the constructor
 * does not know the largest source or line, so whoever configures the ring must choose
 * {@code maxBytes >= alignedLength(recordLength(maxSource, maxLineLength))}.
 */
public final class LogRing {
    /** Smallest accepted {@code maxBytes}. */
    static final int MIN_CAPACITY = 4096;
    /** Largest accepted {@code maxBytes}: rounding it up to the alignment cannot overflow. */
    static final int MAX_CAPACITY = (Integer.MAX_VALUE - 8) & -ALIGNMENT;

    private final ByteBuffer buffer;
    private final ByteBuffer readOnlyBuffer;
    private final int capacity;
    private final int maxLines;
    /** Offset of each held record in {@link #buffer}, at slot {@code seq % maxLines}. */
    private final int[] recordOffsets;

    /** Where the next record (or padding) goes, in {@code [0, capacity)}. */
    private int tailOffset;
    /** Offset of the oldest held record; equals {@link #tailOffset} when empty. */
    private int headOffset;
    /** Bytes from {@link #headOffset} to {@link #tailOffset}, padding included; kept because head == tail means both empty and full. */
    private int bytesUsed;
    private long oldestSeq = 1;
    private long nextSeq = 1;

    /**
     * Preallocates the buffer and the index.
     *
     * @param maxLines most entries held, at least 1
     * @param maxBytes most bytes held, at least 4096 (and at most {@code Integer.MAX_VALUE - 15});
     *                 rounded up to a multiple of {@link RecordDescriptor#ALIGNMENT}
     * @throws IllegalArgumentException if either is out of range; the message has the value
     */
    public LogRing(int maxLines, int maxBytes) {
        if (maxLines < 1) {
            throw new IllegalArgumentException("maxLines must be at least 1: maxLines=" + maxLines);
        }
        if (maxBytes < MIN_CAPACITY || maxBytes > MAX_CAPACITY) {
            throw new IllegalArgumentException("maxBytes must be in [" + MIN_CAPACITY + ", "
                    + MAX_CAPACITY + "]: maxBytes=" + maxBytes);
        }
        this.maxLines = maxLines;
        this.capacity = RecordDescriptor.alignedLength(maxBytes);
        this.buffer = ByteBuffer.allocate(capacity);
        // One view for all readers, so that buffer() allocates nothing and cannot write.
        this.readOnlyBuffer = buffer.asReadOnlyBuffer();
        this.recordOffsets = new int[maxLines];
    }

    /**
     * Appends one entry, evicting the oldest entries as described in the class Javadoc.
     * Every argument is checked before anything is evicted, so a rejected call changes nothing.
     *
     * @param timeNanos    time of the entry, ns since the epoch, UTC
     * @param source       source name bytes (UTF-8); bytes {@code [0, sourceLength)} are copied
     * @param sourceLength number of source bytes, in {@code [0, source.length]}
     * @param msg          heap or direct buffer holding the message; read with absolute gets,
     *                     so its position, limit and mark are left unchanged
     * @param msgIndex     index of the first message byte in {@code msg}
     * @param msgLength    number of message bytes; {@code [msgIndex, msgIndex + msgLength)}
     *                     must lie within {@code [0, msg.limit())}
     * @param flags        record flags, e.g. {@link RecordDescriptor#FLAG_TRUNCATED} or
     *                     {@link RecordDescriptor#priFlags}; must not include
     *                     {@link RecordDescriptor#FLAG_PADDING} or a priority above
     *                     {@link RecordDescriptor#MAX_PRI}
     * @return the sequence number given to the entry
     * @throws IllegalArgumentException if the aligned record is longer than {@link #capacity()}
     *                                  (the message has both sizes), or flags include
     *                                  {@code FLAG_PADDING} or a priority above {@code MAX_PRI}
     * @throws IndexOutOfBoundsException if a length or index lies outside its array or buffer
     */
    public long append(long timeNanos, byte[] source, int sourceLength, ByteBuffer msg,
                       int msgIndex, int msgLength, int flags) {
        Objects.checkFromIndexSize(0, sourceLength, source.length);
        Objects.checkFromIndexSize(msgIndex, msgLength, msg.limit());
        if ((flags & FLAG_PADDING) != 0 || RecordDescriptor.pri(flags) > RecordDescriptor.MAX_PRI) {
            throw new IllegalArgumentException("flags must not include FLAG_PADDING nor a priority above "
                    + RecordDescriptor.MAX_PRI + ": flags=0x" + Integer.toHexString(flags));
        }
        // In long: a message near 2 GiB would overflow int before the comparison.
        long recordLength = (long) HEADER_LENGTH + sourceLength + msgLength;
        long alignedLength = (recordLength + ALIGNMENT - 1) & -ALIGNMENT;
        if (alignedLength > capacity) {
            throw new IllegalArgumentException("record larger than the ring: recordLength="
                    + recordLength + " (sourceLength=" + sourceLength + ", msgLength=" + msgLength
                    + "), capacity=" + capacity);
        }
        int aligned = (int) alignedLength;

        if (size() == maxLines) {
            evictOldest();
        }
        // Records never wrap; the padding is a multiple of ALIGNMENT, so it has room for its header.
        int paddingLength = tailOffset + aligned > capacity ? capacity - tailOffset : 0;
        while (size() > 0 && (long) bytesUsed + paddingLength + aligned > capacity) {
            evictOldest();
        }
        int recordOffset = paddingLength > 0 ? 0 : tailOffset;
        if (size() == 0) {
            // Nothing held before the new record: a padding record would lie outside the ring.
            headOffset = recordOffset;
        } else if (paddingLength > 0) {
            buffer.putInt(tailOffset + LENGTH_OFFSET, paddingLength);
            buffer.putInt(RecordDescriptor.flagsOffset(tailOffset), FLAG_PADDING);
            bytesUsed += paddingLength;
        }

        long seq = nextSeq++;
        writeRecord(recordOffset, (int) recordLength, seq, timeNanos, source, sourceLength,
                msg, msgIndex, msgLength, flags);
        recordOffsets[slot(seq)] = recordOffset;
        bytesUsed += aligned;
        int end = recordOffset + aligned;
        tailOffset = end == capacity ? 0 : end;
        return seq;
    }

    private void writeRecord(int offset, int recordLength, long seq, long timeNanos,
                             byte[] source, int sourceLength, ByteBuffer msg, int msgIndex,
                             int msgLength, int flags) {
        buffer.putInt(offset + LENGTH_OFFSET, recordLength);
        buffer.putInt(RecordDescriptor.flagsOffset(offset), flags);
        buffer.putLong(RecordDescriptor.seqOffset(offset), seq);
        buffer.putLong(RecordDescriptor.timeOffset(offset), timeNanos);
        buffer.putInt(RecordDescriptor.sourceLengthOffset(offset), sourceLength);
        buffer.putInt(RecordDescriptor.msgLengthOffset(offset), msgLength);
        buffer.put(RecordDescriptor.sourceOffset(offset), source, 0, sourceLength);
        // Absolute bulk put (JDK 16+): copies heap or direct without touching msg's position.
        buffer.put(RecordDescriptor.msgOffset(offset, sourceLength), msg, msgIndex, msgLength);
    }

    private void evictOldest() {
        oldestSeq++;
        if (oldestSeq == nextSeq) {
            headOffset = tailOffset;
            bytesUsed = 0;
            return;
        }
        // The next held record, not the byte after the evicted one: that also drops any
        // padding between them. Two held records never share an offset, so 0 means a lap.
        int next = recordOffsets[slot(oldestSeq)];
        int freed = next - headOffset;
        bytesUsed -= freed > 0 ? freed : freed + capacity;
        headOffset = next;
    }

    /**
     * How many more appends are certain to keep entry {@code seq} held: the room a reader
     * whose next entry is {@code seq} has before it would be lapped. Each append is assumed
     * to be of an aligned record length of at most {@code maxAlignedLength} bytes, and one
     * padding record of less than that is allowed for, so the answer may be a little low,
     * never high. A {@code seq} already evicted counts as the oldest held entry; one not
     * appended yet counts as the next one.
     *
     * @param seq              the entry to keep
     * @param maxAlignedLength the largest aligned record length an append may have, at least
     *                         {@link RecordDescriptor#ALIGNMENT}
     * @return appends that cannot evict {@code seq}, at least 0
     */
    public long room(long seq, int maxAlignedLength) {
        long keep = Math.min(Math.max(seq, oldestSeq), nextSeq);
        long lines = maxLines - (nextSeq - keep);
        long bytesFromKeep;
        if (keep == nextSeq) {
            bytesFromKeep = 0;
        } else {
            int offset = recordOffsets[slot(keep)];
            int beforeKeep = offset - headOffset;
            bytesFromKeep = bytesUsed - (beforeKeep >= 0 ? beforeKeep : beforeKeep + capacity);
        }
        long bytes = (capacity - bytesFromKeep - maxAlignedLength) / Math.max(maxAlignedLength, ALIGNMENT);
        return Math.max(0, Math.min(lines, bytes));
    }

    /** Sequence number of the oldest entry held; equals {@link #nextSeq()} when empty. */
    public long oldestSeq() {
        return oldestSeq;
    }

    /** Sequence number the next {@link #append} will return; 1 for a new ring. */
    public long nextSeq() {
        return nextSeq;
    }

    /** Number of entries held, in {@code [0, maxLines()]}. */
    public int size() {
        return (int) (nextSeq - oldestSeq);
    }

    /**
     * Bytes from the start of the oldest held record to the end of the newest: the held
     * records' aligned lengths plus the padding record, if one lies between them. At most
     * {@link #capacity()}; 0 when empty.
     */
    public int bytesUsed() {
        return bytesUsed;
    }

    /**
     * Offset in {@link #buffer()} of the record of a held entry.
     *
     * @throws IllegalArgumentException if {@code seq} is not in {@code [oldestSeq(), nextSeq())}
     */
    public int recordOffset(long seq) {
        if (seq < oldestSeq || seq >= nextSeq) {
            throw new IllegalArgumentException("seq not held: seq=" + seq + ", oldestSeq="
                    + oldestSeq + ", nextSeq=" + nextSeq);
        }
        return recordOffsets[slot(seq)];
    }

    /**
     * The records, for reading with absolute gets at {@link RecordDescriptor} offsets from
     * {@link #recordOffset(long)}. The view is read-only and shared by every caller: do not
     * change its position or limit (a reader that wants to should take its own
     * {@code duplicate()}). Its content is valid only until the next {@link #append}, which
     * may overwrite any record that is no longer held.
     */
    public ByteBuffer buffer() {
        return readOnlyBuffer;
    }

    /** Entries evicted since construction: every seq before the oldest held one. */
    public long evictedCount() {
        return oldestSeq - 1;
    }

    /** Most entries held. */
    public int maxLines() {
        return maxLines;
    }

    /** Size of {@link #buffer()} in bytes: {@code maxBytes} rounded up to the alignment. */
    public int capacity() {
        return capacity;
    }

    private int slot(long seq) {
        return (int) (seq % maxLines);
    }
}

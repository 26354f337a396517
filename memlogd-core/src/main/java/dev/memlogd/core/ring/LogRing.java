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
 *   <li>evicts oldest entries until the span from the start of the oldest held record to
 *       the end of the new record, padding included, is at most {@code capacity()} bytes,
 *       i.e. until the new record and the padding overlap no held record.</li>
 * </ol>
 * A record longer than {@code capacity()} is rejected by {@link #append}; the constructor
 * does not know the largest source or line, so whoever configures the ring must choose
 * {@code maxBytes >= alignedLength(recordLength(maxSource, maxLineLength))}.
 */
public final class LogRing {
    /** Smallest accepted {@code maxBytes}. */
    public static final int MIN_CAPACITY = 4096;
    /** Largest accepted {@code maxBytes}: the largest aligned heap buffer every JVM allocates. */
    public static final int MAX_CAPACITY = (Integer.MAX_VALUE - 8) & -ALIGNMENT;

    private final ByteBuffer buffer;
    private final ByteBuffer readOnlyBuffer;
    private final int capacity;
    private final int maxLines;
    /** Position of each held record, at slot {@code seq % maxLines}; offset = position % capacity. */
    private final long[] recordPositions;

    /** Positions only grow: where the next record (or padding) goes, and where the oldest starts. */
    private long tailPosition;
    private long headPosition;
    private long oldestSeq = 1;
    private long nextSeq = 1;
    private long evictedCount;

    /**
     * Preallocates the buffer and the index.
     *
     * @param maxLines most entries held, at least 1
     * @param maxBytes most bytes held, in [{@link #MIN_CAPACITY}, {@link #MAX_CAPACITY}];
     *                 rounded up to a multiple of {@link RecordDescriptor#ALIGNMENT}
     * @throws IllegalArgumentException if either is out of range
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
        this.recordPositions = new long[maxLines];
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
     * @param flags        record flags, e.g. {@link RecordDescriptor#FLAG_TRUNCATED}; must not
     *                     include {@link RecordDescriptor#FLAG_PADDING}
     * @return the sequence number given to the entry
     * @throws IllegalArgumentException if the record is longer than {@link #capacity()}, or
     *                                  flags include {@code FLAG_PADDING}
     * @throws IndexOutOfBoundsException if a length or index lies outside its array or buffer
     */
    public long append(long timeNanos, byte[] source, int sourceLength, ByteBuffer msg,
                       int msgIndex, int msgLength, int flags) {
        Objects.checkFromIndexSize(0, sourceLength, source.length);
        Objects.checkFromIndexSize(msgIndex, msgLength, msg.limit());
        if ((flags & FLAG_PADDING) != 0) {
            throw new IllegalArgumentException("flags must not include FLAG_PADDING: flags=0x"
                    + Integer.toHexString(flags));
        }
        // In long: a message near 2 GiB would overflow int before the comparison.
        long recordLength = (long) HEADER_LENGTH + sourceLength + msgLength;
        long alignedLength = (recordLength + ALIGNMENT - 1) & -ALIGNMENT;
        if (alignedLength > capacity) {
            throw new IllegalArgumentException("record larger than the ring: recordLength="
                    + recordLength + " (sourceLength=" + sourceLength + ", msgLength=" + msgLength
                    + "), capacity=" + capacity);
        }

        if (size() == maxLines) {
            evictOldest();
        }
        int tailOffset = offset(tailPosition);
        long paddingLength = tailOffset + alignedLength > capacity ? capacity - tailOffset : 0;
        long recordPosition = tailPosition + paddingLength;
        long endPosition = recordPosition + alignedLength;
        while (size() > 0 && endPosition - headPosition > capacity) {
            evictOldest();
        }
        if (size() == 0) {
            // Nothing held before the new record: a padding record would lie outside the ring.
            headPosition = recordPosition;
        } else if (paddingLength > 0) {
            buffer.putInt(tailOffset + LENGTH_OFFSET, (int) paddingLength);
            buffer.putInt(RecordDescriptor.flagsOffset(tailOffset), FLAG_PADDING);
        }

        long seq = nextSeq++;
        writeRecord(offset(recordPosition), (int) recordLength, seq, timeNanos, source,
                sourceLength, msg, msgIndex, msgLength, flags);
        recordPositions[slot(seq)] = recordPosition;
        tailPosition = endPosition;
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
        evictedCount++;
        // The next held record, not the byte after the evicted one: that skips any padding.
        headPosition = oldestSeq == nextSeq ? tailPosition : recordPositions[slot(oldestSeq)];
    }

    /** Sequence number of the oldest entry held; equals {@link #nextSeq()} when empty. */
    public long oldestSeq() {
        return oldestSeq;
    }

    /** Sequence number the next {@link #append} will return. */
    public long nextSeq() {
        return nextSeq;
    }

    /** Number of entries held, in {@code [0, maxLines()]}. */
    public int size() {
        return (int) (nextSeq - oldestSeq);
    }

    /**
     * Bytes from the start of the oldest held record to the end of the newest: the held
     * records' aligned lengths plus any padding record between them. At most
     * {@link #capacity()}; 0 when empty.
     */
    public int bytesUsed() {
        return (int) (tailPosition - headPosition);
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
        return offset(recordPositions[slot(seq)]);
    }

    /**
     * The records, for reading with absolute gets at {@link RecordDescriptor} offsets from
     * {@link #recordOffset(long)}. The view is read-only and shared by every caller: its
     * content is valid only until the next {@link #append}, which may overwrite any record
     * not held any more; its position and limit are not used by the ring (a reader that
     * wants to set them should keep its own {@code duplicate()}).
     */
    public ByteBuffer buffer() {
        return readOnlyBuffer;
    }

    /** Entries evicted since construction; {@code oldestSeq() - 1} for the life of the ring. */
    public long evictedCount() {
        return evictedCount;
    }

    /** Most entries held. */
    public int maxLines() {
        return maxLines;
    }

    /** Size of {@link #buffer()} in bytes: {@code maxBytes} rounded up to the alignment. */
    public int capacity() {
        return capacity;
    }

    /**
     * Time of a held entry, ns since the epoch.
     *
     * @throws IllegalArgumentException if {@code seq} is not held
     */
    public long timeNanos(long seq) {
        return buffer.getLong(RecordDescriptor.timeOffset(recordOffset(seq)));
    }

    /**
     * Flags of a held entry.
     *
     * @throws IllegalArgumentException if {@code seq} is not held
     */
    public int flags(long seq) {
        return buffer.getInt(RecordDescriptor.flagsOffset(recordOffset(seq)));
    }

    private int slot(long seq) {
        return (int) (seq % maxLines);
    }

    private int offset(long position) {
        return (int) (position % capacity);
    }
}

package dev.memlogd.core.ring;

/**
 * Layout of one log entry in the {@link LogRing}'s byte buffer.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                  Record length (unaligned)                    |  0
 *  +---------------------------------------------------------------+
 *  |                  Flags (TRUNCATED, PADDING)                   |  4
 *  +---------------------------------------------------------------+
 *  |                  Sequence number (64 bits)                   ...  8
 *  +---------------------------------------------------------------+
 *  |                  Time, ns since the epoch, UTC (64 bits)     ... 16
 *  +---------------------------------------------------------------+
 *  |                  Source length in bytes                       | 24
 *  +---------------------------------------------------------------+
 *  |                  Message length in bytes                      | 28
 *  +---------------------------------------------------------------+
 *  |   Source bytes (UTF-8) ...   |   Message bytes (raw) ...     ... 32
 *  +---------------------------------------------------------------+
 *  |   padding to the next multiple of {@link #ALIGNMENT}          |
 * </pre>
 *
 * A record never wraps around the end of the buffer: when the next record does not fit
 * before the end, a padding record (flag {@link #FLAG_PADDING}) fills the gap and the
 * record starts again at offset 0. Integers are big-endian (ByteBuffer default).
 */
public final class RecordDescriptor {
    /** Records start on multiples of this, so the long fields stay aligned. */
    public static final int ALIGNMENT = 8;
    /** Bytes before the source name. */
    public static final int HEADER_LENGTH = 32;

    public static final int LENGTH_OFFSET = 0;
    public static final int FLAGS_OFFSET = 4;
    public static final int SEQ_OFFSET = 8;
    public static final int TIME_OFFSET = 16;
    public static final int SOURCE_LENGTH_OFFSET = 24;
    public static final int MSG_LENGTH_OFFSET = 28;
    public static final int SOURCE_OFFSET = HEADER_LENGTH;

    /** The line was longer than {@code -max-line-len}; the rest of it was dropped. */
    public static final int FLAG_TRUNCATED = 1;
    /** Not an entry: fills the tail of the buffer before a wrap. */
    public static final int FLAG_PADDING = 1 << 31;

    private RecordDescriptor() {
    }

    /** Unaligned length of a record holding these many source and message bytes. */
    public static int recordLength(int sourceLength, int msgLength) {
        return HEADER_LENGTH + sourceLength + msgLength;
    }

    /** Space the record occupies in the buffer. */
    public static int alignedLength(int recordLength) {
        return (recordLength + ALIGNMENT - 1) & -ALIGNMENT;
    }

    public static int flagsOffset(int recordOffset) {
        return recordOffset + FLAGS_OFFSET;
    }

    public static int seqOffset(int recordOffset) {
        return recordOffset + SEQ_OFFSET;
    }

    public static int timeOffset(int recordOffset) {
        return recordOffset + TIME_OFFSET;
    }

    public static int sourceLengthOffset(int recordOffset) {
        return recordOffset + SOURCE_LENGTH_OFFSET;
    }

    public static int msgLengthOffset(int recordOffset) {
        return recordOffset + MSG_LENGTH_OFFSET;
    }

    public static int sourceOffset(int recordOffset) {
        return recordOffset + SOURCE_OFFSET;
    }

    /** Where the message starts, given the record's source length. */
    public static int msgOffset(int recordOffset, int sourceLength) {
        return recordOffset + SOURCE_OFFSET + sourceLength;
    }
}

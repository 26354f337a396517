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
 *  |P|           reserved          |  Priority + 1 |  reserved |S|T|  4
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
 * The flags word, read as an int (the diagram's columns are its bits 31 down to 0): T, bit 0,
 * {@link #FLAG_TRUNCATED}; S, bit 1, {@link #FLAG_SUPPRESSED}; bits 8-15, the line's syslog priority plus one, 0 when it has none
 * ({@link #PRI_MASK}, {@link #priFlags}, {@link #pri}); P, bit 31, {@link #FLAG_PADDING}. A
 * priority is kept only for a source named in {@code -syslog-prefix} whose line began with
 * {@code <N>} (docs/protocol.md), so every other record has 0 there, as before the field
 * existed, and the record is no longer for it.
 *
 * <p>A record never wraps around the end of the buffer: when the next record does not fit
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
    /**
     * The daemon's count of the lines of this entry's source that its rate limit
     * ({@code -rate-limit-burst}) kept out of the ring: written under the source's name, so a
     * reader of that source sees the gap where it is; the count is in the message.
     */
    public static final int FLAG_SUPPRESSED = 1 << 1;
    /** Not an entry: fills the tail of the buffer before a wrap. */
    public static final int FLAG_PADDING = 1 << 31;
    /** Where the syslog priority plus one sits in the flags word. */
    public static final int PRI_SHIFT = 8;
    /** The flag bits that hold the syslog priority plus one; all zero when the entry has none. */
    public static final int PRI_MASK = 0xff << PRI_SHIFT;
    /** Highest syslog priority a record holds: facility 23 (local7) * 8 + level 7 (debug). */
    public static final int MAX_PRI = 191;
    /** What {@link #pri} answers for an entry without a priority. */
    public static final int NO_PRI = -1;

    private RecordDescriptor() {
    }

    /**
     * The flag bits recording syslog priority {@code pri}, to OR into a record's flags.
     *
     * @param pri in {@code [0, MAX_PRI]}; not checked here (the ingest path calls this per line)
     */
    public static int priFlags(int pri) {
        return (pri + 1) << PRI_SHIFT;
    }

    /** The syslog priority recorded in a record's flags word, or {@link #NO_PRI}. */
    public static int pri(int flags) {
        return ((flags & PRI_MASK) >>> PRI_SHIFT) - 1;
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

package dev.memlogd.core.wire;

import java.nio.ByteBuffer;

/**
 * How a reader's stream is encoded: ring records and the daemon's notices to that reader, in
 * one format. {@link #JSON} is the query socket's (LinuxKit's JSON lines, plus {@code seq});
 * {@link #LOGREAD} is logread's text line, which the daemon's console echo prints.
 *
 * <p>Stateless; the {@link TimeText} passed in is the caller's (one per reader).
 */
public enum EntryEncoder {
    JSON {
        @Override
        public int maxEncodedLength(int sourceLength, int msgLength) {
            return EntryJsonEncoder.maxEncodedLength(sourceLength, msgLength);
        }

        @Override
        public void encode(ByteBuffer ring, int recordOffset, ByteBuffer out, TimeText time) {
            EntryJsonEncoder.encode(ring, recordOffset, out, time);
        }

        @Override
        public int maxNoticeLength(String msg) {
            return EntryJsonEncoder.maxNoticeLength(msg);
        }

        @Override
        public void encodeNotice(ByteBuffer out, long timeNanos, String msg, long lost) {
            EntryJsonEncoder.encodeNotice(out, timeNanos, msg, lost);
        }

        @Override
        public void encodeIdentity(ByteBuffer out, long timeNanos, String daemon) {
            EntryJsonEncoder.encodeNotice(out, timeNanos, identityText(daemon), -1, daemon);
        }
    },
    LOGREAD {
        @Override
        public int maxEncodedLength(int sourceLength, int msgLength) {
            return LogreadFormat.maxEncodedLength(sourceLength, msgLength);
        }

        @Override
        public void encode(ByteBuffer ring, int recordOffset, ByteBuffer out, TimeText time) {
            LogreadFormat.encode(ring, recordOffset, out, time);
        }

        @Override
        public int maxNoticeLength(String msg) {
            return LogreadFormat.maxNoticeLength(msg);
        }

        /** The count of lost entries is in the message's words only: logread's line has no field for it. */
        @Override
        public void encodeNotice(ByteBuffer out, long timeNanos, String msg, long lost) {
            LogreadFormat.encodeNotice(out, timeNanos, msg);
        }

        @Override
        public void encodeIdentity(ByteBuffer out, long timeNanos, String daemon) {
            LogreadFormat.encodeNotice(out, timeNanos, identityText(daemon));
        }
    };

    /** The identity notice's message. */
    static String identityText(String daemon) {
        return "memlogd identity " + daemon;
    }

    /** Most bytes {@link #encode} writes for a record with these lengths. */
    public abstract int maxEncodedLength(int sourceLength, int msgLength);

    /**
     * Puts the record at {@code recordOffset} of {@code ring} at {@code out}'s position; needs
     * {@link #maxEncodedLength} bytes of room. Allocates nothing: it runs for every entry sent.
     */
    public abstract void encode(ByteBuffer ring, int recordOffset, ByteBuffer out, TimeText time);

    /** Most bytes {@link #encodeNotice} writes for {@code msg}. */
    public abstract int maxNoticeLength(String msg);

    /**
     * Puts a notice from the daemon to this reader (not a ring entry), all or nothing.
     *
     * @param lost entries the reader missed, or -1 when the notice is not about a loss
     * @throws java.nio.BufferOverflowException when it does not fit; {@code out} is then unchanged
     */
    public abstract void encodeNotice(ByteBuffer out, long timeNanos, String msg, long lost);

    /**
     * Puts the notice that starts a stream whose request asked for the daemon's identity: in
     * JSON, {@code {"time":…,"source":"memlogd","msg":"memlogd identity ID","daemon":"ID"}}.
     *
     * @throws java.nio.BufferOverflowException when it does not fit; {@code out} is then unchanged
     */
    public abstract void encodeIdentity(ByteBuffer out, long timeNanos, String daemon);
}

package dev.memlogd.core.wire;

import dev.memlogd.core.ring.RecordDescriptor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * LinuxKit logread's text line: {@code <time>;<source>;<msg>}, where each {@code ;} of the
 * source is written {@code \;} (the message is left as is, so the first unescaped
 * {@code ;} after the time ends the source).
 *
 * <p>All methods are stateless and thread-safe as long as no two threads write the same
 * {@code out} (or use the same {@link TimeText}); {@link #encode} allocates nothing.
 */
public final class LogreadFormat {
    private static final byte[] REPLACEMENT = {(byte) 0xef, (byte) 0xbf, (byte) 0xbd};

    private LogreadFormat() {
    }

    /**
     * The line Go's logread prints for {@code e}, without the trailing newline: the time parsed
     * and re-formatted as RFC3339Nano in its own offset ({@link GoTime#normalize}), the source
     * with {@code ;} escaped, the message as is.
     *
     * @throws IllegalArgumentException when {@code e.time()} is not an RFC 3339 time
     */
    public static String format(LogEntry e) {
        return GoTime.normalize(e.time()) + ';' + e.source().replace(";", "\\;") + ';' + e.msg();
    }

    /**
     * Most bytes {@link #encode} writes: each input byte becomes at most three (an invalid
     * byte becomes U+FFFD, a {@code ;} of the source two), plus time, separators and newline.
     *
     * @throws IllegalArgumentException for negative lengths
     * @throws ArithmeticException when the bound does not fit an int
     */
    public static int maxEncodedLength(int sourceLength, int msgLength) {
        if (sourceLength < 0 || msgLength < 0) {
            throw new IllegalArgumentException("negative length: source " + sourceLength + ", msg " + msgLength);
        }
        return Math.toIntExact(GoTime.MAX_FORMATTED_LENGTH + 3 + 3L * sourceLength + 3L * msgLength);
    }

    /**
     * Puts the logread line (newline included) of the ring record at {@code recordOffset} at
     * {@code out}'s position: the bytes Go's logread prints for our daemon's JSON of that
     * record. The JSON round trip turns each invalid UTF-8 byte into U+FFFD (EF BF BD), so
     * this does too; all other bytes are copied raw. Absolute gets on {@code ring}, heap or
     * direct; allocates nothing.
     *
     * <p>Precondition: the record is an entry, not padding, and {@code out.remaining()} is at
     * least {@link #maxEncodedLength} of its lengths.
     *
     * <p>Formats the time anew for every record; a reader that encodes many records should use
     * {@link #encode(ByteBuffer, int, ByteBuffer, TimeText)}, which writes the same bytes.
     *
     * @throws java.nio.BufferOverflowException when the precondition on {@code out} is broken
     */
    public static void encode(ByteBuffer ring, int recordOffset, ByteBuffer out) {
        encode(ring, recordOffset, out, null);
    }

    /**
     * Same as {@link #encode(ByteBuffer, int, ByteBuffer)}, byte for byte, but the time text
     * comes from {@code time}, which formats only what differs from the stamp it formatted
     * last: consecutive entries from one read share their stamp, and most reads their second.
     *
     * @param time the caller's cache (not thread-safe: one per reader); null formats every time
     * @throws java.nio.BufferOverflowException when the precondition on {@code out} is broken
     */
    public static void encode(ByteBuffer ring, int recordOffset, ByteBuffer out, TimeText time) {
        long timeNanos = ring.getLong(RecordDescriptor.timeOffset(recordOffset));
        int sourceLength = ring.getInt(RecordDescriptor.sourceLengthOffset(recordOffset));
        int msgLength = ring.getInt(RecordDescriptor.msgLengthOffset(recordOffset));
        int source = RecordDescriptor.sourceOffset(recordOffset);
        int msg = RecordDescriptor.msgOffset(recordOffset, sourceLength);

        if (time != null) {
            time.put(timeNanos, out);
        } else {
            GoTime.formatRfc3339Nano(timeNanos, out);
        }
        out.put((byte) ';');
        copyValid(ring, source, source + sourceLength, true, out);
        out.put((byte) ';');
        copyValid(ring, msg, msg + msgLength, false, out);
        out.put((byte) '\n');
    }

    /** Most bytes {@link #encodeNotice} writes for {@code msg}. */
    public static int maxNoticeLength(String msg) {
        return GoTime.MAX_FORMATTED_LENGTH + 3 + LinuxKit.SOURCE_MEMLOGD.length()
                + msg.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * Puts the daemon's notice to one reader (not a ring entry) as a logread line:
     * {@code <time>;memlogd;<msg>\n}, the message's UTF-8 bytes as they are. Allocates (notices
     * are rare). All or nothing: when the line does not fit, {@code out} is left unchanged.
     *
     * @throws java.nio.BufferOverflowException when the line does not fit in {@code out.remaining()}
     */
    public static void encodeNotice(ByteBuffer out, long timeNanos, String msg) {
        byte[] text = msg.getBytes(StandardCharsets.UTF_8);
        ByteBuffer line = ByteBuffer.allocate(GoTime.MAX_FORMATTED_LENGTH + 3 + LinuxKit.SOURCE_MEMLOGD.length()
                + text.length);
        GoTime.formatRfc3339Nano(timeNanos, line);
        line.put((byte) ';').put(LinuxKit.SOURCE_MEMLOGD.getBytes(StandardCharsets.US_ASCII)).put((byte) ';');
        line.put(text).put((byte) '\n').flip();
        if (out.remaining() < line.remaining()) {
            throw new java.nio.BufferOverflowException();
        }
        out.put(line);
    }

    private static void copyValid(ByteBuffer src, int from, int to, boolean escapeSemicolons, ByteBuffer out) {
        int i = from;
        while (i < to) {
            byte b = src.get(i);
            if (b >= 0) {
                if (b == ';' && escapeSemicolons) {
                    out.put((byte) '\\');
                }
                out.put(b);
                i++;
                continue;
            }
            int n = Utf8.validSequenceLength(src, i, to);
            if (n == 0) {
                out.put(REPLACEMENT);
                i++;
            } else {
                for (int k = 0; k < n; k++) {
                    out.put(src.get(i + k));
                }
                i += n;
            }
        }
    }
}

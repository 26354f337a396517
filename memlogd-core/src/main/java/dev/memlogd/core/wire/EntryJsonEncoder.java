package dev.memlogd.core.wire;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import dev.memlogd.core.bytes.ByteScan;
import dev.memlogd.core.ring.RecordDescriptor;

/**
 * The daemon's JSON line for a ring record or a notice, byte for byte what Go's
 * {@code encoding/json} (Go 1.22 or later) writes for the same strings.
 *
 * <p>An entry is {@code {"time":"…","source":"…","msg":"…","seq":N}} followed by
 * {@code ,"pri":P} only when the record has a syslog priority ({@link RecordDescriptor#pri}),
 * {@code ,"truncated":true} only for a truncated line, {@code ,"suppressed":true} only for the
 * daemon's count of a source's lines its rate limit kept out ({@link RecordDescriptor#FLAG_SUPPRESSED}),
 * then {@code }\n}. {@code time},
 * {@code source} and {@code msg} come first and in this order because that is LinuxKit's
 * line; a client that ignores unknown fields (as Go's decoder does) sees LinuxKit's entry.
 *
 * <p>Strings are escaped as Go does: {@code "} and {@code \} with a backslash; {@code \n}
 * {@code \r} {@code \t} {@code \b} {@code \f} in short form; other bytes below 0x20 as
 * {@code \}{@code u00xx} (lowercase hex); {@code <} {@code >} {@code &} as {@code \}{@code u003c}
 * {@code \}{@code u003e} {@code \}{@code u0026}; U+2028 and U+2029 as {@code \}{@code u2028} and
 * {@code \}{@code u2029}; each byte that is not part of a well-formed UTF-8 sequence
 * ({@link Utf8}) as {@code \}{@code ufffd}. Everything else (DEL included) is copied as is,
 * so every line is valid JSON whatever bytes a source wrote.
 *
 * <p>All methods are stateless and thread-safe, as long as the buffers (and the
 * {@link TimeText}) passed in are not used by another thread at the same time.
 */
public final class EntryJsonEncoder {
    /** Longest decimal {@code long}: {@code -9223372036854775808}. */
    private static final int MAX_LONG_DIGITS = 20;
    /** Longest priority: {@code 191}. */
    private static final int MAX_PRI_DIGITS = 3;
    /** An input byte becomes at most 6 output bytes ({@code \}{@code u00xx}, {@code \}{@code ufffd}). */
    private static final int MAX_ESCAPE_EXPANSION = 6;

    private static final byte[] TIME = ascii("{\"time\":\"");
    private static final byte[] SOURCE = ascii("\",\"source\":\"");
    private static final byte[] MSG = ascii("\",\"msg\":\"");
    private static final byte[] SEQ = ascii("\",\"seq\":");
    private static final byte[] PRI = ascii(",\"pri\":");
    private static final byte[] TRUNCATED = ascii(",\"truncated\":true");
    private static final byte[] SUPPRESSED = ascii(",\"suppressed\":true");
    private static final byte[] LOST = ascii(",\"lost\":");
    private static final byte[] DAEMON = ascii(",\"daemon\":\"");
    private static final byte[] QUOTE = ascii("\"");
    private static final byte[] MSG_END = ascii("\"");
    private static final byte[] END = ascii("}\n");
    private static final byte[] MIN_LONG = ascii(Long.toString(Long.MIN_VALUE));
    private static final byte[] REPLACEMENT = ascii("\\ufffd");
    private static final byte[] LINE_SEPARATOR = ascii("\\u2028");
    private static final byte[] PARAGRAPH_SEPARATOR = ascii("\\u2029");
    private static final byte[] HEX = ascii("0123456789abcdef");

    /** Bytes of an entry that do not depend on the strings' contents. */
    private static final int ENTRY_FIXED_LENGTH = TIME.length + GoTime.MAX_FORMATTED_LENGTH + SOURCE.length
            + MSG.length + SEQ.length + MAX_LONG_DIGITS + PRI.length + MAX_PRI_DIGITS + TRUNCATED.length
            + SUPPRESSED.length + END.length;
    /** Bytes of a notice that do not depend on its message. */
    private static final int NOTICE_FIXED_LENGTH = TIME.length + GoTime.MAX_FORMATTED_LENGTH + SOURCE.length
            + LinuxKit.SOURCE_MEMLOGD.length() + MSG.length + MSG_END.length + LOST.length + MAX_LONG_DIGITS
            + END.length;

    /**
     * ASCII bytes Go copies unchanged; the others below 0x80 are escaped. A table for the one
     * byte tested before each word scan, which must agree with {@link ByteScan#jsonPlainEnd}.
     */
    private static final boolean[] ASCII_AS_IS = new boolean[0x80];

    static {
        for (int b = 0x20; b < 0x80; b++) {
            ASCII_AS_IS[b] = true;
        }
        for (char c : new char[] {'"', '\\', '<', '>', '&'}) {
            ASCII_AS_IS[c] = false;
        }
    }

    private EntryJsonEncoder() {
    }

    /**
     * A bound on the bytes {@link #encode} writes for a record with these string lengths: six
     * bytes per string byte (the longest escape) plus the fixed parts, a 20-digit {@code seq},
     * the {@code pri}, {@code truncated} and {@code suppressed} fields and the newline.
     *
     * @throws IllegalArgumentException when a length is negative or the bound exceeds
     *         {@link Integer#MAX_VALUE}
     */
    public static int maxEncodedLength(int sourceLength, int msgLength) {
        return bound(ENTRY_FIXED_LENGTH, MAX_ESCAPE_EXPANSION, sourceLength, msgLength);
    }

    /**
     * Puts the JSON line of the record at {@code recordOffset} of {@code ring} at {@code out}'s
     * position. Reads {@code ring} with absolute gets only (its position and limit are ignored;
     * heap, direct and read-only buffers all work) and allocates nothing: this runs for every
     * entry sent to every client.
     *
     * <p>Precondition: {@code out.remaining() >= maxEncodedLength(sourceLength, msgLength)} of
     * this record. It is checked first, so a too small {@code out} is left unchanged.
     *
     * <p>Formats the time anew for every record; a reader that encodes many records should use
     * {@link #encode(ByteBuffer, int, ByteBuffer, TimeText)}, which writes the same bytes.
     *
     * @throws BufferOverflowException when {@code out} has less room than the precondition asks
     * @throws IllegalArgumentException when the record is a padding record, not an entry
     * @throws IndexOutOfBoundsException when the record's lengths point outside {@code ring}
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
     * @throws BufferOverflowException when {@code out} has less room than the precondition asks
     * @throws IllegalArgumentException when the record is a padding record, not an entry
     * @throws IndexOutOfBoundsException when the record's lengths point outside {@code ring}
     */
    public static void encode(ByteBuffer ring, int recordOffset, ByteBuffer out, TimeText time) {
        int flags = ring.getInt(RecordDescriptor.flagsOffset(recordOffset));
        if ((flags & RecordDescriptor.FLAG_PADDING) != 0) {
            throw new IllegalArgumentException("padding record at offset " + recordOffset + " is not an entry");
        }
        int sourceLength = ring.getInt(RecordDescriptor.sourceLengthOffset(recordOffset));
        int msgLength = ring.getInt(RecordDescriptor.msgLengthOffset(recordOffset));
        if (out.remaining() < maxEncodedLength(sourceLength, msgLength)) {
            throw new BufferOverflowException();
        }
        out.put(TIME);
        long timeNanos = ring.getLong(RecordDescriptor.timeOffset(recordOffset));
        if (time != null) {
            time.put(timeNanos, out);
        } else {
            GoTime.formatRfc3339Nano(timeNanos, out);
        }
        out.put(SOURCE);
        escape(ring, RecordDescriptor.sourceOffset(recordOffset), sourceLength, out);
        out.put(MSG);
        escape(ring, RecordDescriptor.msgOffset(recordOffset, sourceLength), msgLength, out);
        out.put(SEQ);
        putDecimal(ring.getLong(RecordDescriptor.seqOffset(recordOffset)), out);
        int pri = RecordDescriptor.pri(flags);
        if (pri != RecordDescriptor.NO_PRI) {
            out.put(PRI);
            putDecimal(pri, out);
        }
        if ((flags & RecordDescriptor.FLAG_TRUNCATED) != 0) {
            out.put(TRUNCATED);
        }
        if ((flags & RecordDescriptor.FLAG_SUPPRESSED) != 0) {
            out.put(SUPPRESSED);
        }
        out.put(END);
    }

    /**
     * A bound on the bytes {@link #encodeNotice} writes for {@code msg}.
     *
     * @throws IllegalArgumentException when the bound exceeds {@link Integer#MAX_VALUE}
     */
    public static int maxNoticeLength(String msg) {
        return maxNoticeLength(msg, null);
    }

    /**
     * A bound on the bytes {@link #encodeNotice(ByteBuffer, long, String, long, String)} writes.
     *
     * @throws IllegalArgumentException when the bound exceeds {@link Integer#MAX_VALUE}
     */
    public static int maxNoticeLength(String msg, String daemon) {
        int daemonBound = daemon == null ? 0 : DAEMON.length + QUOTE.length;
        return bound(NOTICE_FIXED_LENGTH + daemonBound, MAX_ESCAPE_EXPANSION, daemon == null ? 0 : utf8Length(daemon),
                utf8Length(msg));
    }

    /**
     * Puts a notice (a per-connection message from the daemon, not a ring entry, so no
     * {@code seq}) at {@code out}'s position:
     * {@code {"time":"…","source":"memlogd","msg":"…","lost":N}\n}, the {@code lost} field only
     * when {@code lost >= 0}. Allocates (notices are rare). All or nothing: when the line does
     * not fit, {@code out} is left unchanged.
     *
     * @param msg what to tell the client; an unpaired surrogate is sent as {@code ?} (the JDK's
     *            UTF-8 encoder's replacement)
     * @throws BufferOverflowException when the line does not fit in {@code out.remaining()}
     */
    public static void encodeNotice(ByteBuffer out, long timeNanos, String msg, long lost) {
        encodeNotice(out, timeNanos, msg, lost, null);
    }

    /**
     * {@link #encodeNotice(ByteBuffer, long, String, long)} with a {@code "daemon"} field after
     * the others when {@code daemon} is not null: the identity notice of a mode-3 stream.
     */
    public static void encodeNotice(ByteBuffer out, long timeNanos, String msg, long lost, String daemon) {
        byte[] source = LinuxKit.SOURCE_MEMLOGD.getBytes(StandardCharsets.UTF_8);
        byte[] text = msg.getBytes(StandardCharsets.UTF_8);
        ByteBuffer line = ByteBuffer.allocate(maxNoticeLength(msg, daemon));
        line.put(TIME);
        GoTime.formatRfc3339Nano(timeNanos, line);
        line.put(SOURCE);
        escape(ByteBuffer.wrap(source), 0, source.length, line);
        line.put(MSG);
        escape(ByteBuffer.wrap(text), 0, text.length, line);
        line.put(MSG_END);
        if (lost >= 0) {
            line.put(LOST);
            putDecimal(lost, line);
        }
        if (daemon != null) {
            byte[] id = daemon.getBytes(StandardCharsets.UTF_8);
            line.put(DAEMON);
            escape(ByteBuffer.wrap(id), 0, id.length, line);
            line.put(QUOTE);
        }
        line.put(END);
        line.flip();
        if (out.remaining() < line.remaining()) {
            throw new BufferOverflowException();
        }
        out.put(line);
    }

    /**
     * Puts {@code src[from, from + length)} escaped as a JSON string's contents. Runs of bytes
     * that need no escape are found eight bytes at a time ({@link ByteScan#jsonPlainEnd}) and
     * copied in bulk: most log text is plain ASCII.
     */
    static void escape(ByteBuffer src, int from, int length, ByteBuffer out) {
        int end = from + length;
        int run = from; // start of the bytes seen but not yet copied
        int i = from;
        while (i < end) {
            int b = src.get(i) & 0xff;
            if (b < 0x80) {
                if (ASCII_AS_IS[b]) {
                    // Testing this one byte first keeps text that is mostly escapes or
                    // multi-byte characters from paying a word scan per character.
                    i = ByteScan.jsonPlainEnd(src, i + 1, end);
                    continue;
                }
                copy(src, run, i, out);
                putAsciiEscape(b, out);
                run = ++i;
                continue;
            }
            int n = Utf8.validSequenceLength(src, i, end);
            if (n == 0) {
                copy(src, run, i, out);
                out.put(REPLACEMENT);
                run = ++i;
            } else if (n == 3 && b == 0xe2 && src.get(i + 1) == (byte) 0x80
                    && (src.get(i + 2) == (byte) 0xa8 || src.get(i + 2) == (byte) 0xa9)) {
                // U+2028/U+2029 end lines in JavaScript; Go escapes them so JSON stays embeddable.
                copy(src, run, i, out);
                out.put(src.get(i + 2) == (byte) 0xa8 ? LINE_SEPARATOR : PARAGRAPH_SEPARATOR);
                i += 3;
                run = i;
            } else {
                i += n;
            }
        }
        copy(src, run, end, out);
    }

    private static void putAsciiEscape(int b, ByteBuffer out) {
        out.put((byte) '\\');
        switch (b) {
            case '"':
            case '\\':
                out.put((byte) b);
                break;
            case '\n':
                out.put((byte) 'n');
                break;
            case '\r':
                out.put((byte) 'r');
                break;
            case '\t':
                out.put((byte) 't');
                break;
            case '\b':
                out.put((byte) 'b');
                break;
            case '\f':
                out.put((byte) 'f');
                break;
            default: // other control bytes and Go's HTML-safe <, >, &
                out.put((byte) 'u').put((byte) '0').put((byte) '0').put(HEX[b >> 4]).put(HEX[b & 0xf]);
        }
    }

    /** Bulk copy without touching {@code src}'s position (the ring may be shared by many readers). */
    private static void copy(ByteBuffer src, int from, int to, ByteBuffer out) {
        int n = to - from;
        if (n > 0) {
            int at = out.position();
            out.put(at, src, from, n);
            out.position(at + n);
        }
    }

    /** Puts {@code value} in decimal without going through a String. */
    static void putDecimal(long value, ByteBuffer out) {
        if (value == Long.MIN_VALUE) { // its magnitude has no positive long
            out.put(MIN_LONG);
            return;
        }
        if (value < 0) {
            out.put((byte) '-');
            value = -value;
        }
        int digits = 1;
        for (long v = value; v >= 10; v /= 10) {
            digits++;
        }
        int at = out.position();
        if (out.remaining() < digits) {
            throw new BufferOverflowException();
        }
        for (int p = at + digits - 1; p >= at; p--) {
            out.put(p, (byte) ('0' + value % 10));
            value /= 10;
        }
        out.position(at + digits);
    }

    /** {@code fixed + perByte * (a + b)}, checked: lengths come from the ring or the command line. */
    static int bound(int fixed, int perByte, int a, int b) {
        if (a < 0 || b < 0) {
            throw new IllegalArgumentException("negative length: " + a + ", " + b);
        }
        long n = fixed + (long) perByte * ((long) a + b);
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("an entry of " + a + " + " + b + " bytes may encode to " + n
                    + " bytes, more than a buffer holds");
        }
        return (int) n;
    }

    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            // Surrogates count 3 each: a pair (4 bytes) is overcounted, a lone one (encoded as
            // 1 byte) too; a bound is all that is needed.
            n += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
        }
        return n;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}

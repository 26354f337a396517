package dev.memlogd.loadbench;

/**
 * The bench's lines: each says which source wrote it, its sequence number in that source and
 * when it was written, and is padded to a fixed length with bytes that depend on all three, so
 * that any corruption (a cut, a splice of two lines, a changed byte) is caught.
 *
 * <pre>
 * S000042 Q0000001234 T0000000001234567890 nopqrstuvwxyzabc...\n
 * </pre>
 *
 * Fields are fixed width: source (6 digits), seq (10 digits, from 0), write time (19 digits,
 * nanoseconds on the bench's {@code System.nanoTime()} since its start). {@code lineBytes}
 * counts the {@code '\n'}. Stateless and thread-safe.
 */
final class LineFormat {
    static final int HEADER_BYTES = 41; // "S" 6 " Q" 10 " T" 19 " "
    static final int MIN_LINE_BYTES = HEADER_BYTES + 1;

    /** A line's fields, as read back. */
    record Fields(int source, long seq, long writeNanos) {
    }

    private LineFormat() {
    }

    /** Writes one line of exactly {@code lineBytes} bytes (with its '\n') at {@code dst[off]}; returns the end. */
    static int encode(byte[] dst, int off, int source, long seq, long writeNanos, int lineBytes) {
        if (lineBytes < MIN_LINE_BYTES) {
            throw new IllegalArgumentException("lines must be at least " + MIN_LINE_BYTES + " bytes");
        }
        int p = off;
        dst[p++] = 'S';
        p = digits(dst, p, source, 6);
        dst[p++] = ' ';
        dst[p++] = 'Q';
        p = digits(dst, p, seq, 10);
        dst[p++] = ' ';
        dst[p++] = 'T';
        p = digits(dst, p, writeNanos, 19);
        dst[p++] = ' ';
        int end = off + lineBytes - 1;
        for (int i = 0; p < end; i++) {
            dst[p++] = pad(source, seq, i);
        }
        dst[p++] = '\n';
        return p;
    }

    /**
     * Reads a message as the daemon returns it (the line without its '\n').
     *
     * @return the fields, or null when the message is not exactly a line this format wrote
     */
    static Fields parse(CharSequence msg, int lineBytes) {
        if (msg.length() != lineBytes - 1 || msg.charAt(0) != 'S' || msg.charAt(7) != ' '
                || msg.charAt(8) != 'Q' || msg.charAt(19) != ' ' || msg.charAt(20) != 'T'
                || msg.charAt(40) != ' ') {
            return null;
        }
        long source = number(msg, 1, 6);
        long seq = number(msg, 9, 10);
        long nanos = number(msg, 21, 19);
        if (source < 0 || seq < 0 || nanos < 0) {
            return null;
        }
        for (int p = HEADER_BYTES, i = 0; p < msg.length(); p++, i++) {
            if (msg.charAt(p) != pad((int) source, seq, i)) {
                return null;
            }
        }
        return new Fields((int) source, seq, nanos);
    }

    private static byte pad(int source, long seq, int i) {
        return (byte) ('a' + (int) ((source * 7L + seq * 3 + i) % 26));
    }

    private static int digits(byte[] dst, int p, long value, int width) {
        if (value < 0) {
            throw new IllegalArgumentException("negative field " + value);
        }
        for (int i = width - 1; i >= 0; i--) {
            dst[p + i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        if (value != 0) {
            throw new IllegalArgumentException("field does not fit in " + width + " digits");
        }
        return p + width;
    }

    private static long number(CharSequence s, int from, int width) {
        long value = 0;
        for (int i = from; i < from + width; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}

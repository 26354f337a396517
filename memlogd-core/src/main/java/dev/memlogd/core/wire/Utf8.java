package dev.memlogd.core.wire;

import java.nio.ByteBuffer;

/**
 * UTF-8 validation with exactly the semantics of Go's {@code utf8.DecodeRune}, which is what
 * Go's {@code encoding/json} uses to decide which bytes it replaces by U+FFFD.
 *
 * <p>At each position either a complete, well-formed sequence is consumed whole, or exactly
 * one byte is consumed as invalid (Go's {@code RuneError, 1}). Well-formed means: the lead
 * byte is 00-7F, C2-DF, E0-EF or F0-F4; the second byte is in 80-BF except after E0 (A0-BF,
 * no overlongs), ED (80-9F, no surrogates), F0 (90-BF, no overlongs) and F4 (80-8F, nothing
 * above U+10FFFF); further bytes are in 80-BF. C0, C1 and F5-FF never start a sequence. A
 * sequence cut short by the limit is invalid (its first byte is consumed alone).
 *
 * <p>All methods are stateless and thread-safe; they read with absolute gets and allocate nothing.
 */
public final class Utf8 {
    private Utf8() {
    }

    /**
     * Length of the well-formed UTF-8 sequence starting at {@code index}.
     *
     * @param buf   bytes to inspect; its position and limit are not used nor changed
     * @param index where the sequence starts; must be below {@code limit}
     * @param limit end (exclusive) of the bytes that may belong to the sequence
     * @return 1 to 4 for a well-formed sequence, 0 when the byte at {@code index} is invalid
     * @throws IndexOutOfBoundsException when {@code index} or {@code limit} exceed the buffer
     */
    public static int validSequenceLength(ByteBuffer buf, int index, int limit) {
        int b0 = buf.get(index) & 0xff;
        if (b0 < 0x80) {
            return 1;
        }
        int n = sequenceLength(b0);
        if (n == 0 || index + n > limit) {
            return 0;
        }
        int b1 = buf.get(index + 1) & 0xff;
        if (b1 < lowerSecond(b0) || b1 > upperSecond(b0)) {
            return 0;
        }
        for (int i = 2; i < n; i++) {
            int b = buf.get(index + i) & 0xff;
            if (b < 0x80 || b > 0xbf) {
                return 0;
            }
        }
        return n;
    }

    /**
     * Same as {@link #validSequenceLength(ByteBuffer, int, int)} for a byte array.
     *
     * @throws ArrayIndexOutOfBoundsException when {@code index} or {@code limit} exceed the array
     */
    public static int validSequenceLength(byte[] buf, int index, int limit) {
        int b0 = buf[index] & 0xff;
        if (b0 < 0x80) {
            return 1;
        }
        int n = sequenceLength(b0);
        if (n == 0 || index + n > limit) {
            return 0;
        }
        int b1 = buf[index + 1] & 0xff;
        if (b1 < lowerSecond(b0) || b1 > upperSecond(b0)) {
            return 0;
        }
        for (int i = 2; i < n; i++) {
            int b = buf[index + i] & 0xff;
            if (b < 0x80 || b > 0xbf) {
                return 0;
            }
        }
        return n;
    }

    /** Whether every byte of {@code buf[from, to)} belongs to a well-formed sequence. */
    public static boolean isValid(byte[] buf, int from, int to) {
        int i = from;
        while (i < to) {
            int n = validSequenceLength(buf, i, to);
            if (n == 0) {
                return false;
            }
            i += n;
        }
        return true;
    }

    /** Sequence length announced by a non-ASCII lead byte, 0 if it cannot lead. */
    private static int sequenceLength(int b0) {
        if (b0 >= 0xc2 && b0 <= 0xdf) {
            return 2;
        }
        if (b0 >= 0xe0 && b0 <= 0xef) {
            return 3;
        }
        if (b0 >= 0xf0 && b0 <= 0xf4) {
            return 4;
        }
        return 0; // continuation bytes, C0/C1 (always overlong), F5-FF (beyond U+10FFFF)
    }

    // The second byte's range is what excludes overlongs, surrogates and code points > U+10FFFF.
    private static int lowerSecond(int b0) {
        return b0 == 0xe0 ? 0xa0 : b0 == 0xf0 ? 0x90 : 0x80;
    }

    private static int upperSecond(int b0) {
        return b0 == 0xed ? 0x9f : b0 == 0xf4 ? 0x8f : 0xbf;
    }
}

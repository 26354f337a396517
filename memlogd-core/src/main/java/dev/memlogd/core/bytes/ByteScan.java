package dev.memlogd.core.bytes;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Byte searches over a {@link ByteBuffer} that test eight bytes per step: one
 * {@link ByteBuffer#getLong(int)} and a few word-wide bit operations instead of eight
 * bounds-checked {@link ByteBuffer#get(int)} calls and compares. They run on every byte the
 * daemon ingests (the newline search) and on every byte it sends as JSON (the escape scan).
 *
 * <p>The word tests compute, for each of the eight bytes, an exact flag in that byte's high
 * bit: the arithmetic never carries or borrows from one byte into the next (each byte's low
 * seven bits are added to a constant of at most {@code 0x7f}, which cannot overflow the byte).
 * Because every flag is exact and not just the lowest one, the first flagged byte in memory
 * can be found from either end of the word: the most significant byte for a
 * {@link ByteOrder#BIG_ENDIAN} buffer, the least significant for a
 * {@link ByteOrder#LITTLE_ENDIAN} one. So the caller's buffer is read in whatever order it
 * has, and its order, position, limit and mark are never changed.
 *
 * <p>Only absolute gets are used: heap, direct and read-only buffers all work. Bytes
 * {@code [from, to)} must lie within the buffer's limit. The last {@code (to - from) % 8}
 * bytes are tested one by one. Nothing is allocated. All methods are stateless and
 * thread-safe, as long as no other thread writes the bytes being searched.
 */
public final class ByteScan {
    /** {@code 0x01} in every byte: multiplying a byte value by it repeats the byte eight times. */
    private static final long ONES = 0x0101010101010101L;
    /** The high bit of every byte: where the per-byte flags are kept. */
    private static final long HIGH = 0x8080808080808080L;
    /** The low seven bits of every byte. */
    private static final long LOW7 = 0x7f7f7f7f7f7f7f7fL;

    // The bytes a JSON string cannot hold as they are (besides >= 0x80, left to the UTF-8
    // check), grouped so that one equality test covers two of them: '"' (0x22) and '&' (0x26)
    // differ only in bit 2, '<' (0x3c) and '>' (0x3e) only in bit 1.
    private static final long QUOTE_OR_AMP = 0x26 * ONES;
    private static final long BIT2 = 0x04 * ONES;
    private static final long LESS_OR_GREATER = 0x3e * ONES;
    private static final long BIT1 = 0x02 * ONES;
    private static final long BACKSLASH = 0x5c * ONES;
    /** Added to a byte's low seven bits, sets the high bit exactly when they are {@code >= 0x20}. */
    private static final long CONTROL_LIMIT = (0x80 - 0x20) * ONES;

    private static final int WORD = Long.BYTES;

    private ByteScan() {
    }

    /**
     * The index of the first byte equal to {@code value} in {@code buf[from, to)}.
     *
     * @return that index, or -1 when no byte in the range is {@code value}
     * @throws IndexOutOfBoundsException when the range is not within the buffer's limit
     *         (possibly only once the search reaches the bad index)
     */
    public static int indexOf(ByteBuffer buf, int from, int to, byte value) {
        int i = from;
        if (to - from >= WORD) {
            long pattern = (value & 0xffL) * ONES;
            boolean bigEndian = buf.order() == ByteOrder.BIG_ENDIAN;
            for (int last = to - WORD; i <= last; i += WORD) {
                long flags = zeroBytes(buf.getLong(i) ^ pattern);
                if (flags != 0) {
                    return i + firstFlagged(flags, bigEndian);
                }
            }
        }
        for (; i < to; i++) {
            if (buf.get(i) == value) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The end of the run of bytes at {@code from} that a JSON string holds unchanged: the index
     * of the first byte of {@code buf[from, to)} that is below {@code 0x20}, at or above
     * {@code 0x80}, or one of {@code " \ < > &} (the bytes Go's {@code encoding/json} escapes
     * with HTML escaping on; bytes from {@code 0x80} on are flagged so that the caller's UTF-8
     * check decides about them), or {@code to} when there is none.
     *
     * @throws IndexOutOfBoundsException when the range is not within the buffer's limit
     *         (possibly only once the scan reaches the bad index)
     */
    public static int jsonPlainEnd(ByteBuffer buf, int from, int to) {
        int i = from;
        if (to - from >= WORD) {
            boolean bigEndian = buf.order() == ByteOrder.BIG_ENDIAN;
            for (int last = to - WORD; i <= last; i += WORD) {
                long flags = jsonSpecialBytes(buf.getLong(i));
                if (flags != 0) {
                    return i + firstFlagged(flags, bigEndian);
                }
            }
        }
        for (; i < to; i++) {
            if (isJsonSpecial(buf.get(i) & 0xff)) {
                return i;
            }
        }
        return i;
    }

    /** The high bit of each byte of {@code word} that is zero, exactly; other bits clear. */
    static long zeroBytes(long word) {
        // (low 7 bits + 0x7f) sets a byte's high bit iff its low bits are non-zero; or-ing in
        // the byte itself adds its own high bit: the complement's high bit marks a zero byte.
        return ~(((word & LOW7) + LOW7) | word) & HIGH;
    }

    /** The high bit of each byte of {@code word} that {@link #isJsonSpecial} flags, exactly. */
    static long jsonSpecialBytes(long word) {
        long low = word & LOW7;
        // Each sum has a byte's high bit set iff that byte is NOT the one tested for (the low
        // bits are non-zero after the xor, or at least 0x20); and-ing the sums keeps a byte's
        // high bit only when no test matched it. Bytes >= 0x80 are flagged by word's own high
        // bit whatever the tests say about their low seven bits.
        long notSpecial = ((low + CONTROL_LIMIT)
                & (((low | BIT2) ^ QUOTE_OR_AMP) + LOW7)
                & (((low | BIT1) ^ LESS_OR_GREATER) + LOW7)
                & ((low ^ BACKSLASH) + LOW7));
        return (word | ~notSpecial) & HIGH;
    }

    /** The byte test {@link #jsonPlainEnd} makes eight at a time, for one byte {@code 0..255}. */
    static boolean isJsonSpecial(int b) {
        return b < 0x20 || b >= 0x80 || b == '"' || b == '\\' || b == '<' || b == '>' || b == '&';
    }

    /**
     * The memory position (0..7) of the first flagged byte of a word read with
     * {@code getLong}: in a big-endian read the first byte in memory is the most significant.
     */
    private static int firstFlagged(long flags, boolean bigEndian) {
        return (bigEndian ? Long.numberOfLeadingZeros(flags) : Long.numberOfTrailingZeros(flags)) >>> 3;
    }
}

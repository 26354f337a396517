package dev.memlogd.core.bytes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

/**
 * Every answer of {@link ByteScan} is checked against the obvious byte-by-byte answer, for
 * every buffer kind the daemon passes (heap, direct, read-only heap, read-only direct, a
 * slice with a non-zero array offset), both byte orders, every start offset modulo 8 and
 * every byte value.
 */
class ByteScanTest {
    private static final long SEED = new Random().nextLong();

    /** What a JSON string cannot hold unchanged, spelled out independently of ByteScan. */
    private static boolean jsonSpecial(int b) {
        return b < 0x20 || b > 0x7f || b == 0x22 || b == 0x5c || b == 0x3c || b == 0x3e || b == 0x26;
    }

    private static int naiveIndexOf(ByteBuffer buf, int from, int to, byte value) {
        for (int i = from; i < to; i++) {
            if (buf.get(i) == value) {
                return i;
            }
        }
        return -1;
    }

    private static int naiveJsonPlainEnd(ByteBuffer buf, int from, int to) {
        for (int i = from; i < to; i++) {
            if (jsonSpecial(buf.get(i) & 0xff)) {
                return i;
            }
        }
        return to;
    }

    /** The ways a buffer holding {@code bytes} at index 0 reaches ByteScan, each in one order. */
    private static List<ByteBuffer> views(byte[] bytes, ByteOrder order) {
        List<Function<byte[], ByteBuffer>> makers = List.of(
                b -> ByteBuffer.wrap(b.clone()),
                b -> ByteBuffer.allocateDirect(b.length).put(b).clear(),
                b -> ByteBuffer.wrap(b.clone()).asReadOnlyBuffer(),
                b -> ByteBuffer.allocateDirect(b.length).put(b).clear().asReadOnlyBuffer(),
                b -> { // a slice: index 0 is array index 3
                    byte[] padded = new byte[b.length + 6];
                    System.arraycopy(b, 0, padded, 3, b.length);
                    return ByteBuffer.wrap(padded, 3, b.length).slice();
                });
        List<ByteBuffer> views = new ArrayList<>();
        for (Function<byte[], ByteBuffer> maker : makers) {
            views.add(maker.apply(bytes).order(order));
        }
        return views;
    }

    private static final ByteOrder[] ORDERS = {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN};

    @Test
    void zeroAndSpecialByteFlagsAreExactForEveryByteValueInEveryLane() {
        // Carries or borrows between bytes would show as a wrong flag next to another value.
        for (int value = 0; value < 256; value++) {
            for (int other = 0; other < 256; other++) {
                for (int lane = 0; lane < 8; lane++) {
                    long word = (other & 0xffL) * 0x0101010101010101L;
                    word &= ~(0xffL << (8 * lane));
                    word |= (long) value << (8 * lane);
                    long zero = 0;
                    long special = 0;
                    for (int k = 0; k < 8; k++) {
                        int b = (int) (word >>> (8 * k)) & 0xff;
                        zero |= b == 0 ? 0x80L << (8 * k) : 0;
                        special |= jsonSpecial(b) ? 0x80L << (8 * k) : 0;
                    }
                    assertEquals(zero, ByteScan.zeroBytes(word), Long.toHexString(word));
                    assertEquals(special, ByteScan.jsonSpecialBytes(word), Long.toHexString(word));
                }
            }
        }
    }

    @Test
    void isJsonSpecialMatchesTheSpecification() {
        for (int b = 0; b < 256; b++) {
            assertEquals(jsonSpecial(b), ByteScan.isJsonSpecial(b), "byte " + b);
        }
    }

    @Test
    void everyByteValueAtEveryPositionAndAlignmentIsFound() {
        // A plain background, one probe byte: the first (and only) hit is the probe or the end.
        for (ByteOrder order : ORDERS) {
            for (int value = 0; value < 256; value++) {
                byte[] bytes = new byte[27];
                java.util.Arrays.fill(bytes, (byte) 'a');
                for (int at = 0; at < bytes.length; at++) {
                    bytes[at] = (byte) value;
                    for (ByteBuffer buf : views(bytes, order)) {
                        for (int from = 0; from < 9; from++) {
                            int to = bytes.length - from % 3;
                            String where = order + " " + buf.getClass().getSimpleName() + " value " + value
                                    + " at " + at + " from " + from + " to " + to;
                            assertEquals(naiveIndexOf(buf, from, to, (byte) value),
                                    ByteScan.indexOf(buf, from, to, (byte) value), where);
                            assertEquals(naiveIndexOf(buf, from, to, (byte) '\n'),
                                    ByteScan.indexOf(buf, from, to, (byte) '\n'), where);
                            assertEquals(naiveJsonPlainEnd(buf, from, to), ByteScan.jsonPlainEnd(buf, from, to),
                                    where);
                        }
                    }
                    bytes[at] = (byte) 'a';
                }
            }
        }
    }

    @Test
    void randomBuffersAgreeWithTheNaiveScanForAllRanges() {
        Random random = new Random(SEED);
        // Mostly plain text, with the bytes the scans look for and arbitrary bytes mixed in.
        byte[] interesting = {'\n', '\r', 0, 0x1f, 0x20, '"', '&', '<', '>', '\\', '!', '\'', '=', '?', 0x7f,
            (byte) 0x80, (byte) 0xa2, (byte) 0xa6, (byte) 0xbc, (byte) 0xdc, (byte) 0xe2, (byte) 0xff, '\t', '\b'};
        for (int round = 0; round < 150; round++) {
            byte[] bytes = new byte[random.nextInt(70)];
            int density = 1 + random.nextInt(40);
            for (int i = 0; i < bytes.length; i++) {
                int pick = random.nextInt(density);
                bytes[i] = pick == 0 ? interesting[random.nextInt(interesting.length)]
                        : pick == 1 ? (byte) random.nextInt(256)
                        : (byte) (' ' + random.nextInt(95));
            }
            byte needle = random.nextBoolean() ? (byte) '\n' : (byte) random.nextInt(256);
            for (ByteOrder order : ORDERS) {
                for (ByteBuffer buf : views(bytes, order)) {
                    for (int from = 0; from <= bytes.length; from++) {
                        for (int to = from; to <= bytes.length; to++) {
                            String where = "seed " + SEED + " round " + round + " " + order + " "
                                    + buf.getClass().getSimpleName() + " [" + from + ", " + to + ")";
                            assertEquals(naiveIndexOf(buf, from, to, needle), ByteScan.indexOf(buf, from, to, needle),
                                    where);
                            assertEquals(naiveJsonPlainEnd(buf, from, to), ByteScan.jsonPlainEnd(buf, from, to),
                                    where);
                        }
                    }
                }
            }
        }
    }

    @Test
    void buffersStateIsUntouched() {
        byte[] bytes = "0123456789abcdef\"ghij\nklmnopqrstuvwxyz".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (ByteOrder order : ORDERS) {
            for (ByteBuffer buf : views(bytes, order)) {
                buf.position(5).limit(bytes.length - 1).mark();
                buf.position(7);
                assertEquals(21, ByteScan.indexOf(buf, 0, bytes.length - 1, (byte) '\n'));
                assertEquals(16, ByteScan.jsonPlainEnd(buf, 0, bytes.length - 1));
                assertEquals(7, buf.position());
                assertEquals(bytes.length - 1, buf.limit());
                assertEquals(order, buf.order());
                buf.reset();
                assertEquals(5, buf.position());
            }
        }
    }

    @Test
    void emptyRangeFindsNothing() {
        ByteBuffer buf = ByteBuffer.wrap(new byte[] {'\n', '"'});
        assertEquals(-1, ByteScan.indexOf(buf, 1, 1, (byte) '\n'));
        assertEquals(1, ByteScan.jsonPlainEnd(buf, 1, 1));
    }

    @Test
    void rangeBeyondTheLimitIsRejected() {
        byte[] plain = new byte[32];
        java.util.Arrays.fill(plain, (byte) 'a');
        ByteBuffer buf = ByteBuffer.wrap(plain).limit(20);
        assertThrows(IndexOutOfBoundsException.class, () -> ByteScan.indexOf(buf, 0, 24, (byte) '\n'));
        assertThrows(IndexOutOfBoundsException.class, () -> ByteScan.jsonPlainEnd(buf, 0, 24));
        assertThrows(IndexOutOfBoundsException.class, () -> ByteScan.indexOf(buf, 16, 21, (byte) '\n'));
        assertThrows(IndexOutOfBoundsException.class, () -> ByteScan.indexOf(buf, -1, 10, (byte) '\n'));
    }
}

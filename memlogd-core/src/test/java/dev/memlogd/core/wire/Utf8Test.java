package dev.memlogd.core.wire;

import static dev.memlogd.core.wire.Records.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8Test {
    private static int length(int... values) {
        byte[] b = bytes(values);
        int n = Utf8.validSequenceLength(ByteBuffer.wrap(b), 0, b.length);
        assertEquals(n, Utf8.validSequenceLength(b, 0, b.length), "array and buffer agree");
        return n;
    }

    /**
     * Reference: the one n in 1..4 for which the first n bytes are exactly one character in
     * Java's UTF-8 (which decodes a malformed input to U+FFFD, so it would not re-encode to itself).
     */
    private static int reference(byte[] b, int limit) {
        for (int n = 1; n <= Math.min(4, limit); n++) {
            String s = new String(b, 0, n, StandardCharsets.UTF_8);
            if (s.codePointCount(0, s.length()) == 1
                    && Arrays.equals(s.getBytes(StandardCharsets.UTF_8), Arrays.copyOf(b, n))) {
                return n;
            }
        }
        return 0;
    }

    @Test
    void asciiIsOneByte() {
        assertEquals(1, length('A'));
        assertEquals(1, length(0x00));
        assertEquals(1, length(0x7f));
    }

    @Test
    void wellFormedSequencesAreConsumedWhole() {
        assertEquals(2, length(0xc2, 0x80));
        assertEquals(3, length(0xe2, 0x82, 0xac)); // €
        assertEquals(3, length(0xef, 0xbf, 0xbd)); // U+FFFD itself is valid
        assertEquals(4, length(0xf0, 0x9f, 0x98, 0x80)); // 😀
        assertEquals(4, length(0xf4, 0x8f, 0xbf, 0xbf)); // U+10FFFF
    }

    @Test
    void overlongFormsAreInvalid() {
        assertEquals(0, length(0xc0, 0xaf));
        assertEquals(0, length(0xc1, 0xbf));
        assertEquals(0, length(0xe0, 0x9f, 0xbf));
        assertEquals(0, length(0xf0, 0x8f, 0xbf, 0xbf));
    }

    @Test
    void surrogatesAreInvalid() {
        assertEquals(0, length(0xed, 0xa0, 0x80));
        assertEquals(0, length(0xed, 0xbf, 0xbf));
        assertEquals(3, length(0xed, 0x9f, 0xbf)); // U+D7FF, just below
    }

    @Test
    void codePointsAboveMaximumAreInvalid() {
        assertEquals(0, length(0xf4, 0x90, 0x80, 0x80));
        for (int lead = 0xf5; lead <= 0xff; lead++) {
            assertEquals(0, length(lead, 0x80, 0x80, 0x80), "lead " + lead);
        }
    }

    @Test
    void loneContinuationByteIsInvalid() {
        assertEquals(0, length(0x80));
        assertEquals(0, length(0xbf, 'a'));
    }

    @Test
    void sequenceCutByLimitIsInvalid() {
        byte[] euro = bytes(0xe2, 0x82, 0xac);
        assertEquals(0, Utf8.validSequenceLength(ByteBuffer.wrap(euro), 0, 2));
        assertEquals(0, Utf8.validSequenceLength(euro, 0, 2));
        assertEquals(0, length(0xe2, 0x82, 'A'));
    }

    @Test
    void readsAtAbsoluteIndexWithoutMovingPosition() {
        ByteBuffer buf = ByteBuffer.wrap(bytes('x', 0xc3, 0xa9, 'y'));
        buf.position(3);
        assertEquals(2, Utf8.validSequenceLength(buf, 1, 4));
        assertEquals(3, buf.position());
    }

    @Test
    void directBuffersWork() {
        ByteBuffer buf = ByteBuffer.allocateDirect(4).put(bytes(0xf0, 0x9f, 0x98, 0x80));
        assertEquals(4, Utf8.validSequenceLength(buf, 0, 4));
    }

    @Test
    void everyTwoByteInputAgreesWithJavaDecoder() {
        byte[] b = new byte[2];
        for (int i = 0; i < 1 << 16; i++) {
            b[0] = (byte) (i >> 8);
            b[1] = (byte) i;
            assertEquals(reference(b, 2), Utf8.validSequenceLength(b, 0, 2), () -> hex(b));
        }
    }

    @Test
    void everyThreeByteInputWithMultibyteLeadAgreesWithJavaDecoder() {
        byte[] b = new byte[3];
        for (int lead = 0xe0; lead <= 0xf4; lead++) {
            for (int i = 0; i < 1 << 16; i++) {
                b[0] = (byte) lead;
                b[1] = (byte) (i >> 8);
                b[2] = (byte) i;
                assertEquals(reference(b, 3), Utf8.validSequenceLength(b, 0, 3), () -> hex(b));
            }
        }
    }

    @Test
    void randomFourByteInputsAgreeWithJavaDecoder() {
        Random random = new Random(42);
        byte[] b = new byte[4];
        for (int i = 0; i < 300_000; i++) {
            b[0] = (byte) (0xf0 + random.nextInt(16));
            b[1] = (byte) (0x70 + random.nextInt(0x60));
            b[2] = (byte) (0x70 + random.nextInt(0x60));
            b[3] = (byte) (0x70 + random.nextInt(0x60));
            assertEquals(reference(b, 4), Utf8.validSequenceLength(b, 0, 4), () -> hex(b));
        }
    }

    @Test
    void everyCodePointEncodedByJavaIsValidWithItsLength() {
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                continue;
            }
            byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
            int cpFinal = cp;
            assertEquals(b.length, Utf8.validSequenceLength(b, 0, b.length), () -> "U+" + Integer.toHexString(cpFinal));
        }
    }

    @Test
    void isValidChecksWholeRange() {
        assertTrue(Utf8.isValid(Records.utf8("héllo 😀"), 0, Records.utf8("héllo 😀").length));
        assertFalse(Utf8.isValid(bytes('a', 0xff, 'b'), 0, 3));
        assertTrue(Utf8.isValid(bytes('a', 0xff, 'b'), 2, 3));
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("%02x ", x & 0xff));
        }
        return sb.toString();
    }
}

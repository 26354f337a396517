package dev.memlogd.loadbench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class VerifierTest {
    private static final int L = 60;

    /** The message the daemon would return for a line: the line without its '\n'. */
    private static String msg(int source, long seq, long nanos) {
        byte[] b = new byte[L];
        int end = LineFormat.encode(b, 0, source, seq, nanos, L);
        assertEquals(L, end);
        assertEquals('\n', b[L - 1]);
        return new String(b, 0, L - 1, StandardCharsets.US_ASCII);
    }

    @Test
    void aLineReadsBackAsWritten() {
        String m = msg(42, 1234, 987_654_321L);
        assertEquals("S000042 Q0000001234 T0000000000987654321 ", m.substring(0, LineFormat.HEADER_BYTES));
        assertEquals(new LineFormat.Fields(42, 1234, 987_654_321L), LineFormat.parse(m, L));
    }

    @Test
    void anyChangedByteCutOrSpliceIsCorrupt() {
        String m = msg(3, 7, 100);
        for (int i = 0; i < m.length(); i++) {
            char other = m.charAt(i) == 'x' ? 'y' : 'x';
            assertNull(LineFormat.parse(m.substring(0, i) + other + m.substring(i + 1), L), "byte " + i);
        }
        assertNull(LineFormat.parse(m.substring(0, m.length() - 1), L));
        // The head of one line and the tail of another (same length) does not pass.
        String n = msg(3, 8, 100);
        assertNull(LineFormat.parse(m.substring(0, 50) + n.substring(50), L));
        // Nor the header of one with the padding of another.
        assertNull(LineFormat.parse(n.substring(0, LineFormat.HEADER_BYTES) + m.substring(LineFormat.HEADER_BYTES), L));
        assertNotNull(LineFormat.parse(n, L));
    }

    @Test
    void tooShortLinesAndOversizedFieldsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> LineFormat.encode(new byte[100], 0, 1, 1, 1, 41));
        assertThrows(IllegalArgumentException.class, () -> LineFormat.encode(new byte[100], 0, 1_000_000, 1, 1, L));
    }

    @Test
    void countsMissingDuplicatesReorderingAndCorruption() {
        Verifier v = new Verifier(2, 5, L);
        v.accept("lb0", msg(0, 0, 10), 110);
        v.accept("lb0", msg(0, 2, 10), 210); // seq 1 missing so far
        v.accept("lb1", msg(1, 0, 10), 310);
        v.accept("lb0", msg(0, 2, 10), 410); // duplicate
        v.accept("lb0", msg(0, 1, 10), 510); // late: out of order
        v.accept("lb1", msg(0, 3, 10), 610); // source 0's line under source 1's name
        v.accept("lb1", "garbage", 710);
        v.accept("lb1", msg(1, 5, 10), 810); // seq beyond what was written
        assertEquals(10, v.expected());
        assertEquals(4, v.received());
        assertEquals(6, v.missing());
        assertEquals(1, v.duplicates());
        assertEquals(1, v.outOfOrder());
        assertEquals(3, v.corrupt());
        assertArrayEquals(new long[] {200, 500, 500}, v.latencyPercentiles(50, 99, 100));
    }

    @Test
    void aCompleteInOrderStreamIsClean() {
        Verifier v = new Verifier(3, 100, L);
        for (int seq = 0; seq < 100; seq++) {
            for (int s = 0; s < 3; s++) {
                v.accept(Verifier.sourceName(s), msg(s, seq, seq), seq + 1000);
            }
        }
        assertEquals(0, v.missing());
        assertEquals(0, v.duplicates() + v.outOfOrder() + v.corrupt());
        assertArrayEquals(new long[] {1000, 1000}, v.latencyPercentiles(50, 100));
        assertArrayEquals(new long[] {-1}, new Verifier(1, 1, L).latencyPercentiles(50));
    }
}

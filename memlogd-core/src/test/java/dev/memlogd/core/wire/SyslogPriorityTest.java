package dev.memlogd.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SyslogPriorityTest {

    /** The line at offset 5 of a buffer with other bytes around it, so that offsets must be honoured. */
    private static int parse(String line, boolean direct) {
        byte[] bytes = ("<1>xx" + line + "<2>").getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = direct ? ByteBuffer.allocateDirect(bytes.length) : ByteBuffer.allocate(bytes.length);
        buffer.put(bytes).position(3); // the position must not matter
        return SyslogPriority.parsePrefix(buffer, 5, bytes.length - 8);
    }

    /** "pri length", or "none". */
    private static String describe(int parsed) {
        return parsed == SyslogPriority.NO_PREFIX ? "none"
                : SyslogPriority.pri(parsed) + " " + SyslogPriority.prefixLength(parsed);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "<0>kernel panic|0 3",
        "<3>disk error|3 3",
        "<191>local7 debug|191 5",
        "<30>daemon info|30 4",
        "<3>|3 3",
        "<6>>arrow|6 3",
        "<01>leading zero|1 4",
        "<007>two leading zeros|7 5",
        "<000>|0 5",
    })
    void prefixIsOneToThreeDigitsFrom0To191BetweenAngleBrackets(String line, String expected) {
        assertEquals(expected, describe(parse(line, false)), line);
        assertEquals(expected, describe(parse(line, true)), line + " (direct buffer)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"<192>too high", "<999>", "<>empty", "<1a>letter", "<0001>four digits", "<1234>",
        " <3>space first", "x<3>not at the start", "<3 unclosed", "<3", "<", "", "<-1>", "<+3>", "< 3>", "3>",
        "<３>fullwidth digit", "<<3>>"})
    void anythingElseIsNotAPrefix(String line) {
        assertEquals("none", describe(parse(line, false)), line);
        assertEquals("none", describe(parse(line, true)), line + " (direct buffer)");
    }

    @Test
    void prefixIsLookedForOnlyWithinTheLine() {
        ByteBuffer buffer = ByteBuffer.wrap("<3>x".getBytes(StandardCharsets.US_ASCII));

        assertEquals(SyslogPriority.NO_PREFIX, SyslogPriority.parsePrefix(buffer, 0, 2), "<3 then the line ends");
        assertEquals(3, SyslogPriority.pri(SyslogPriority.parsePrefix(buffer, 0, 3)));
    }

    @Test
    void levelIsTheLowThreeBits() {
        assertEquals(3, SyslogPriority.level(3));
        assertEquals(6, SyslogPriority.level(30));
        assertEquals(7, SyslogPriority.level(191));
        assertEquals(0, SyslogPriority.level(8));
    }

    @Test
    void levelsAreReadAsNumbersOrJournalctlsNames() {
        String[] names = {"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"};
        for (int level = 0; level < names.length; level++) {
            assertEquals(level, SyslogPriority.parseLevel(Integer.toString(level)));
            assertEquals(level, SyslogPriority.parseLevel(names[level]));
            assertEquals(level, SyslogPriority.parseLevel(names[level].toUpperCase(java.util.Locale.ROOT)));
        }
        assertEquals(3, SyslogPriority.parseLevel("error"));
        assertEquals(4, SyslogPriority.parseLevel("warn"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"8", "-1", "07", "", " err", "errors", "critical", "panic", "3.0"})
    void otherLevelsAreRefusedListingTheAcceptedOnes(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SyslogPriority.parseLevel(text));

        assertTrue(e.getMessage().contains("'" + text + "'") && e.getMessage().contains("emerg, alert"), e.getMessage());
    }

    @Test
    void parsePrefixAllocatesNothing() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "allocation counter unavailable");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        ByteBuffer lines = ByteBuffer.allocateDirect(64).put("<3>err<191>x<1a>".getBytes(StandardCharsets.US_ASCII));
        long thread = Thread.currentThread().getId();
        long sum = 0;
        for (int i = 0; i < 20_000; i++) { // warm up, so the measurement sees compiled code
            sum += SyslogPriority.parsePrefix(lines, i % 3 * 6, 6);
        }
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 10_000; i++) {
            sum += SyslogPriority.parsePrefix(lines, i % 3 * 6, 6);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertTrue(allocated < 1_000, allocated + " bytes allocated for 10,000 lines (" + sum + ")");
    }
}

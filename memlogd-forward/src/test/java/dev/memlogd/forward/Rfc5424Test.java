package dev.memlogd.forward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import dev.memlogd.core.wire.LogEntry;

class Rfc5424Test {
    private static final String DAEMON = "0c5e4a9e-0000-4000-8000-000000000001";
    private final Rfc5424 format = new Rfc5424("vm-7", 14, 8192);

    private static String text(byte[] message) {
        return new String(message, StandardCharsets.UTF_8);
    }

    @Test
    void entryBecomesAHeaderStructuredDataAndTheMessage() {
        LogEntry entry = new LogEntry("2026-11-23T00:24:04.28156085Z", "web.out", "GET / 200", 1042, false, -1);

        String message = text(format.entry(entry, DAEMON));

        assertEquals("<14>1 2026-11-23T00:24:04.281560Z vm-7 web.out - log [memlogd@32473 source=\"web.out\""
                + " seq=\"1042\" daemon=\"" + DAEMON + "\"] GET / 200", message);
    }

    /** RFC 5424 section 6.5, example 1's header shape: PRI from the entry's priority (kern, crit). */
    @Test
    void priorityOfTheEntryWinsOverTheDefault() {
        LogEntry entry = new LogEntry("2003-10-11T22:14:15.003Z", "kmsg", "'su root' failed", 7, false, -1, null, 34);

        String message = text(format.entry(entry, null));

        assertTrue(message.startsWith("<34>1 2003-10-11T22:14:15.003000Z vm-7 kmsg - log "), message);
    }

    /** RFC 5424 section 6.5, example 2: a time with an offset keeps it, microseconds as given. */
    @Test
    void timeKeepsItsOffsetWithSixFractionDigits() {
        assertEquals("2003-08-24T05:14:15.000003-07:00", Rfc5424.timestamp("2003-08-24T05:14:15.000003-07:00"));
        assertEquals("2026-11-23T00:24:04.000000+01:00", Rfc5424.timestamp("2026-11-23T00:24:04+01:00"));
        assertEquals("2026-11-23T00:24:04.123456Z", Rfc5424.timestamp("2026-11-23T00:24:04.123456789Z"));
        assertEquals("-", Rfc5424.timestamp("2026-11-23 00:24:04Z"));
        assertEquals("-", Rfc5424.timestamp("12026-11-23T00:24:04Z"));
        assertEquals("-", Rfc5424.timestamp("2026-11-23T00:24:04.Z"));
    }

    @Test
    void appNameIsPrintableAsciiWithoutSpaceAtMost48AndTheFullNameIsInStructuredData() {
        String source = "my app/\u00e9t\u00e9 " + "x".repeat(60) + " \"q\" \\b] end";
        LogEntry entry = new LogEntry("2026-11-23T00:24:04Z", source, "m", 1, false, -1);

        String message = text(format.entry(entry, DAEMON));

        String appName = message.split(" ")[3];
        assertEquals(48, appName.length());
        assertEquals("my_app/_t__" + "x".repeat(37), appName);
        assertTrue(message.contains("source=\"my app/\u00e9t\u00e9 " + "x".repeat(60) + " \\\"q\\\" \\\\b\\] end\""),
                message);
    }

    @Test
    void emptySourceIsTheNilAppName() {
        LogEntry entry = new LogEntry("2026-11-23T00:24:04Z", "", "m", 1, false, -1);

        assertTrue(text(format.entry(entry, null)).startsWith("<14>1 2026-11-23T00:24:04.000000Z vm-7 - - log"));
    }

    @Test
    void nonAsciiMessageStartsWithABomAndAsciiDoesNot() {
        LogEntry utf8 = new LogEntry("2026-11-23T00:24:04Z", "s", "caf\u00e9", 1, false, -1);
        LogEntry ascii = new LogEntry("2026-11-23T00:24:04Z", "s", "cafe", 2, false, -1);

        byte[] withBom = format.entry(utf8, null);
        byte[] without = format.entry(ascii, null);

        byte[] expectedEnd = "] \ufeffcaf\u00e9".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(expectedEnd, Arrays.copyOfRange(withBom, withBom.length - expectedEnd.length, withBom.length));
        assertTrue(text(without).endsWith("seq=\"2\"] cafe"), text(without));
    }

    @Test
    void emptyMessageHasNoMsgPart() {
        LogEntry entry = new LogEntry("2026-11-23T00:24:04Z", "s", "", 1, false, -1);

        assertTrue(text(format.entry(entry, null)).endsWith("seq=\"1\"]"));
    }

    @Test
    void truncatedByTheDaemonIsSaid() {
        LogEntry entry = new LogEntry("2026-11-23T00:24:04Z", "s", "aaaa", 1, true, -1);

        assertTrue(text(format.entry(entry, null)).contains(" truncated=\"1\"] aaaa"));
    }

    @Test
    void tooLongMessageIsCutAtACharacterWithTheCountAndAMarkerNeverOverTheLimit() {
        Rfc5424 small = new Rfc5424("h", 14, 2048);
        String msg = "\u20ac".repeat(1000); // 3000 bytes of three-byte characters
        LogEntry entry = new LogEntry("2026-11-23T00:24:04Z", "s", msg, 1, false, -1);

        byte[] message = small.entry(entry, DAEMON);

        String text = text(message);
        assertTrue(message.length <= 2048, "length " + message.length);
        assertTrue(text.endsWith("\u20ac" + Rfc5424.CUT_SUFFIX), text);
        int kept = text.substring(text.indexOf('\ufeff') + 1, text.length() - Rfc5424.CUT_SUFFIX.length()).length();
        assertTrue(text.contains(" cut=\"" + (3000 - kept * 3) + "\"] \ufeff"), text);
    }

    @Test
    void markerSaysReasonCountAndPosition() {
        String message = text(format.marker("2026-11-23T00:24:04.5Z", "evicted", 12, DAEMON, 1042, "12 entries were evicted"));

        assertEquals("<12>1 2026-11-23T00:24:04.500000Z vm-7 memlogd-forward - marker [memlogd@32473"
                + " source=\"memlogd-forward\" reason=\"evicted\" lost=\"12\" daemon=\"" + DAEMON + "\" after=\"1042\"]"
                + " 12 entries were evicted", message);
    }

    @Test
    void hostnameIsSanitisedToo() {
        Rfc5424 spaced = new Rfc5424("my host", 14, 8192);
        LogEntry entry = new LogEntry("2026-11-23T00:24:04Z", "s", "m", 1, false, -1);

        assertTrue(text(spaced.entry(entry, null)).startsWith("<14>1 2026-11-23T00:24:04.000000Z my_host s - log"));
    }
}

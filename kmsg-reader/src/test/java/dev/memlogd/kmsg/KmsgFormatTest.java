package dev.memlogd.kmsg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class KmsgFormatTest {
    /** 2026-11-30T03:00:00.123456789Z */
    private static final long TIME = 1_796_007_600_123_456_789L;
    private static final String TIME_TEXT = "2026-11-30T03:00:00.123456789Z";

    private static String line(KmsgRecord record, KmsgFormat.Continuation continuation, boolean prefix) {
        return new String(KmsgFormat.line(record, TIME, continuation, prefix), StandardCharsets.ISO_8859_1);
    }

    @Test
    void ordinaryRecordIsLinuxKitsLine() {
        KmsgRecord record = new KmsgRecord(6, 42, 1000, "EXT4-fs (vda): mounted filesystem", List.of());

        assertEquals("(42) - " + TIME_TEXT + ": EXT4-fs (vda): mounted filesystem\n",
                line(record, KmsgFormat.Continuation.FOLD, false));
    }

    @Test
    void continuationLinesAreFoldedOntoTheLineOrDropped() {
        KmsgRecord record = new KmsgRecord(6, 1, 0, "acpi: x", List.of("SUBSYSTEM=acpi", "DEVICE=+acpi:P"));

        assertEquals("(1) - " + TIME_TEXT + ": acpi: x SUBSYSTEM=acpi DEVICE=+acpi:P\n",
                line(record, KmsgFormat.Continuation.FOLD, false));
        assertEquals("(1) - " + TIME_TEXT + ": acpi: x\n", line(record, KmsgFormat.Continuation.DROP, false));
    }

    @Test
    void escapesOfPrintableAndUtf8BytesAreUndoneThoseOfControlBytesKept() {
        KmsgRecord record = new KmsgRecord(6, 1, 0, "caf\\xc3\\xa9 \\x5c \\x41 tab\\x09 nl\\x0a del\\x7f \\xzz \\x4",
                List.of());

        byte[] expected = ("(1) - " + TIME_TEXT + ": caf").getBytes(StandardCharsets.ISO_8859_1);
        byte[] rest = " \\ A tab\\x09 nl\\x0a del\\x7f \\xzz \\x4\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[expected.length + 2 + rest.length];
        System.arraycopy(expected, 0, all, 0, expected.length);
        all[expected.length] = (byte) 0xc3;
        all[expected.length + 1] = (byte) 0xa9;
        System.arraycopy(rest, 0, all, expected.length + 2, rest.length);

        assertArrayEquals(all, KmsgFormat.line(record, TIME, KmsgFormat.Continuation.FOLD, false));
        assertEquals("café", new String(all, StandardCharsets.UTF_8).substring(("(1) - " + TIME_TEXT + ": ").length(),
                ("(1) - " + TIME_TEXT + ": ").length() + 4));
    }

    @Test
    void priorityPrefixIsJournaldsAndComesFirst() {
        KmsgRecord record = new KmsgRecord(3, 7, 0, "oops", List.of());

        assertEquals("<3>(7) - " + TIME_TEXT + ": oops\n", line(record, KmsgFormat.Continuation.FOLD, true));
    }

    @Test
    void ownLineHasTheShapeOfARecordLineWithoutASeq() {
        assertEquals("<12>(-) - " + TIME_TEXT + ": kmsg-reader: 3 records lost\n",
                new String(KmsgFormat.ownLine("3 records lost", TIME, true), StandardCharsets.UTF_8));
    }
}

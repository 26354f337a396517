package dev.memlogd.kmsg;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts what is read from {@code /dev/kmsg} into {@link KmsgRecord}s. The device gives one
 * record per {@code read(2)}; a recorded file (tests, {@code -kmsg FILE}) gives many at once,
 * so records are found by their structure, not by read boundaries: a header line, then the
 * lines that start with a space. A record is complete once the next one starts (or, for the
 * device, at the end of the read). Bytes are kept as they are (ISO-8859-1 chars). One thread.
 */
final class KmsgParser {
    /** What the parser found. */
    interface Records {
        void record(KmsgRecord record);

        /** A record whose header is not the ABI's; {@code text} is it, cut to 200 bytes. */
        void malformed(String text, String why);
    }

    private final StringBuilder pending = new StringBuilder();

    /**
     * Parses {@code buf[0, length)}.
     *
     * @param wholeRecords the read ended at a record's end (the device): no need to wait for
     *                     the next header to know the last record is complete
     */
    void feed(byte[] buf, int length, boolean wholeRecords, Records out) {
        pending.append(new String(buf, 0, length, StandardCharsets.ISO_8859_1));
        int start = 0;
        while (true) {
            int end = recordEnd(start, wholeRecords);
            if (end < 0) {
                break;
            }
            parse(pending.substring(start, end), out);
            start = end;
        }
        pending.delete(0, start);
    }

    /** What is left at the end of a file: a last record without its newline. */
    void finish(Records out) {
        if (pending.length() > 0) {
            parse(pending.toString(), out);
            pending.setLength(0);
        }
    }

    /** The end of the record starting at {@code start}: after its last line, or -1 if not known yet. */
    private int recordEnd(int start, boolean wholeRecords) {
        int lineEnd = pending.indexOf("\n", start);
        while (lineEnd >= 0) {
            int next = lineEnd + 1;
            if (next == pending.length()) {
                return wholeRecords ? next : -1;
            }
            if (pending.charAt(next) != ' ') {
                return next;
            }
            lineEnd = pending.indexOf("\n", next);
        }
        return -1;
    }

    /** One record's text, its last newline included or not. */
    static void parse(String text, Records out) {
        int semicolon = text.indexOf(';');
        if (semicolon < 0) {
            out.malformed(cut(text), "no ';' after the header");
            return;
        }
        String[] header = text.substring(0, semicolon).split(",");
        int priority;
        long seq;
        long usec;
        try {
            if (header.length < 4) {
                throw new NumberFormatException("fewer than 4 header fields");
            }
            priority = Integer.parseInt(header[0]);
            seq = Long.parseLong(header[1]);
            usec = Long.parseLong(header[2]);
            if (priority < 0 || seq < 0 || usec < 0) {
                throw new NumberFormatException("a negative field");
            }
        } catch (NumberFormatException e) {
            out.malformed(cut(text), "bad header: " + e.getMessage());
            return;
        }
        String body = text.endsWith("\n") ? text.substring(semicolon + 1, text.length() - 1)
                : text.substring(semicolon + 1);
        String[] lines = body.split("\n", -1);
        List<String> dict = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            dict.add(lines[i].startsWith(" ") ? lines[i].substring(1) : lines[i]);
        }
        out.record(new KmsgRecord(priority, seq, usec, lines[0], List.copyOf(dict)));
    }

    private static String cut(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}

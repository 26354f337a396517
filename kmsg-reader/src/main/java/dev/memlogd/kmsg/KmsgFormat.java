package dev.memlogd.kmsg;

import java.nio.charset.StandardCharsets;

import dev.memlogd.core.wire.GoTime;

/**
 * The line a record becomes: LinuxKit's {@code pkg/kmsg} line,
 * {@code (<seq>) - <time, Go's RFC3339Nano>: <message>\n}, with
 * <ul>
 *   <li>the dictionary (continuation lines) folded onto the line as {@code  KEY=value} each
 *       ({@link Continuation#FOLD}) or left out ({@link Continuation#DROP}); LinuxKit prints
 *       them as lines of their own, which then look like records;</li>
 *   <li>{@code \xNN} escapes of printable bytes and of UTF-8 undone (the kernel escapes every
 *       byte ≥ 0x7f, so UTF-8 text arrives escaped); those of control bytes kept, so that a
 *       record stays one line;</li>
 *   <li>optionally journald's {@code <N>} priority prefix (sd-daemon(3)) at the start, for a
 *       daemon that keeps it as the entry's priority.</li>
 * </ul>
 * Ordinary records (no escapes, no dictionary, no prefix) give LinuxKit's bytes. Stateless.
 */
final class KmsgFormat {
    /** What to do with a record's continuation lines. */
    enum Continuation { FOLD, DROP }

    /** Syslog priority of kmsg-reader's own lines (gaps): facility user, level warning. */
    static final int OWN_PRIORITY = 1 << 3 | 4;

    private KmsgFormat() {
    }

    /** The line for {@code record}, stamped {@code timeNanos} (wall clock, ns since the epoch). */
    static byte[] line(KmsgRecord record, long timeNanos, Continuation continuation, boolean priorityPrefix) {
        StringBuilder sb = new StringBuilder(record.message().length() + 48);
        if (priorityPrefix) {
            sb.append('<').append(record.priority()).append('>');
        }
        sb.append('(').append(record.seq()).append(") - ").append(GoTime.formatRfc3339Nano(timeNanos)).append(": ");
        unescape(record.message(), sb);
        if (continuation == Continuation.FOLD) {
            for (String entry : record.dict()) {
                sb.append(' ');
                unescape(entry, sb);
            }
        }
        return sb.append('\n').toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** kmsg-reader's own line (a gap), in the same shape: {@code (-) - <time>: kmsg-reader: <msg>}. */
    static byte[] ownLine(String msg, long timeNanos, boolean priorityPrefix) {
        String line = (priorityPrefix ? "<" + OWN_PRIORITY + ">" : "") + "(-) - " + GoTime.formatRfc3339Nano(timeNanos)
                + ": kmsg-reader: " + msg + "\n";
        return line.getBytes(StandardCharsets.UTF_8);
    }

    /** Appends {@code text}, undoing {@code \xNN} escapes except those of control bytes. */
    static void unescape(String text, StringBuilder out) {
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\\' && i + 3 < text.length() && text.charAt(i + 1) == 'x') {
                int value = hex2(text, i + 2);
                if (value >= 0x20 && value != 0x7f) {
                    out.append((char) value);
                    i += 4;
                    continue;
                }
            }
            out.append(c);
            i++;
        }
    }

    private static int hex2(String s, int at) {
        if (at + 2 > s.length()) {
            return -1;
        }
        int hi = Character.digit(s.charAt(at), 16);
        int lo = Character.digit(s.charAt(at + 1), 16);
        return hi < 0 || lo < 0 ? -1 : hi << 4 | lo;
    }
}

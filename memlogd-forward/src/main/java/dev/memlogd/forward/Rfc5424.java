package dev.memlogd.forward;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import dev.memlogd.core.wire.LogEntry;

/**
 * One memlogd entry as an RFC 5424 syslog message (docs/forwarding.md, "Mapping"):
 *
 * <pre>
 * &lt;PRI&gt;1 TIMESTAMP HOSTNAME APP-NAME - MSGID [memlogd@32473 source="…" seq="…" daemon="…"] MSG
 * </pre>
 *
 * <ul>
 *   <li>PRI: the entry's {@code pri} when it has one, else the default;</li>
 *   <li>TIMESTAMP: the entry's time with exactly six fraction digits (cut, not rounded) and the
 *       offset it came with; {@code -} when the time is not RFC 3339 as RFC 5424 takes it;</li>
 *   <li>APP-NAME: the source name with every character outside {@code !}..{@code ~} as
 *       {@code _}, at most 48 characters ({@code -} for the empty name): the full name is in
 *       the structured data;</li>
 *   <li>MSGID: {@value #MSGID_LOG} for entries, {@value #MSGID_MARKER} for the forwarder's
 *       own messages about entries that cannot be sent (evicted, memlogd restarted);</li>
 *   <li>SD-ID {@value #SD_ID}: private, with 32473, the example enterprise number of RFC 5612
 *       (RFC 5424's examples use it); nothing is registered;</li>
 *   <li>MSG: the message's UTF-8 bytes, after a BOM when it holds a non-ASCII byte
 *       (RFC 5424 section 6.4: MSG-UTF8), as it is otherwise (pure ASCII, MSG-ANY that any
 *       receiver reads the same); cut at a character boundary when the whole message would
 *       exceed {@code maxBytes}, with {@code cut="N"} (bytes left out) in the structured data
 *       and {@value #CUT_SUFFIX} at its end, never split into two messages.</li>
 * </ul>
 *
 * <p>Not thread-safe: one per forwarder thread (it reuses a buffer).
 */
final class Rfc5424 {
    static final String SD_ID = "memlogd@32473";
    static final String MSGID_LOG = "log";
    static final String MSGID_MARKER = "marker";
    static final String CUT_SUFFIX = "[cut]";
    /** The APP-NAME of the forwarder's own messages. */
    static final String APP_NAME = "memlogd-forward";
    static final int MAX_APP_NAME = 48;
    static final int MAX_HOSTNAME = 255;
    /** RFC 5425: every receiver must take 2048 bytes; the smallest limit we accept. */
    static final int MIN_MAX_BYTES = 2048;
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final String hostname;
    private final int defaultPri;
    private final int maxBytes;
    private final Out out = new Out();

    /**
     * @param hostname   HOSTNAME as given (sanitised here like APP-NAME, at most 255)
     * @param defaultPri PRI of entries without one, 0-191
     * @param maxBytes   the longest message, at least {@value #MIN_MAX_BYTES}
     */
    Rfc5424(String hostname, int defaultPri, int maxBytes) {
        if (maxBytes < MIN_MAX_BYTES) {
            throw new IllegalArgumentException("maxBytes below " + MIN_MAX_BYTES + ": " + maxBytes);
        }
        this.hostname = printable(hostname, MAX_HOSTNAME);
        this.defaultPri = defaultPri;
        this.maxBytes = maxBytes;
    }

    /** The message for {@code entry} of daemon {@code daemon} (null: unknown, LinuxKit's). */
    byte[] entry(LogEntry entry, String daemon) {
        out.reset();
        header(entry.pri() >= 0 ? entry.pri() : defaultPri, entry.time(), printable(entry.source(), MAX_APP_NAME),
                MSGID_LOG);
        out.ascii(" [" + SD_ID + " source=\"").param(entry.source()).ascii("\"");
        if (entry.seq() >= 0) {
            out.ascii(" seq=\"" + entry.seq() + "\"");
        }
        if (daemon != null) {
            out.ascii(" daemon=\"").param(daemon).ascii("\"");
        }
        if (entry.truncated()) {
            out.ascii(" truncated=\"1\"");
        }
        return finish(entry.msg());
    }

    /**
     * A marker: what the forwarder could not send. PRI is the default facility with level
     * warning; structured data {@code reason}, {@code lost} (when known), {@code after} (the
     * last seq sent of {@code daemon}).
     */
    byte[] marker(String time, String reason, long lost, String daemon, long after, String msg) {
        out.reset();
        header((defaultPri & ~7) | 4, time, APP_NAME, MSGID_MARKER);
        out.ascii(" [" + SD_ID + " source=\"" + APP_NAME + "\" reason=\"" + reason + "\"");
        if (lost >= 0) {
            out.ascii(" lost=\"" + lost + "\"");
        }
        if (daemon != null) {
            out.ascii(" daemon=\"").param(daemon).ascii("\"");
        }
        if (after >= 0) {
            out.ascii(" after=\"" + after + "\"");
        }
        return finish(msg);
    }

    private void header(int pri, String time, String appName, String msgId) {
        out.ascii("<" + pri + ">1 " + timestamp(time) + " " + hostname + " " + appName + " - " + msgId);
    }

    /** Closes the structured data and adds MSG, cut to fit. */
    private byte[] finish(String msg) {
        byte[] text = msg.getBytes(StandardCharsets.UTF_8);
        boolean ascii = true;
        for (byte b : text) {
            if (b < 0) {
                ascii = false;
                break;
            }
        }
        int prefix = ascii ? 0 : BOM.length;
        int room = maxBytes - out.size() - 2 - prefix; // "] " before MSG
        if (text.length <= room) {
            out.ascii("]");
            if (text.length > 0) {
                out.ascii(" ").bytes(BOM, prefix).bytes(text, text.length);
            }
            return out.toByteArray();
        }
        // The cut must fit beside its own note: " cut=\"N\"" (N at most 10 digits) and the suffix.
        room -= 18 + CUT_SUFFIX.length();
        int keep = characterBoundary(text, room);
        out.ascii(" cut=\"" + (text.length - keep) + "\"] ").bytes(BOM, prefix).bytes(text, keep)
                .ascii(CUT_SUFFIX);
        return out.toByteArray();
    }

    /** The largest length at most {@code max} that does not end inside a UTF-8 sequence. */
    static int characterBoundary(byte[] text, int max) {
        int keep = Math.max(0, max);
        while (keep > 0 && keep < text.length && (text[keep] & 0xC0) == 0x80) {
            keep--;
        }
        return keep;
    }

    /**
     * RFC 5424's TIMESTAMP from an RFC 3339 time: six fraction digits, the offset kept;
     * {@code -} (NILVALUE) when {@code time} is not {@code YYYY-MM-DDTHH:MM:SS[.F…](Z|±HH:MM)}.
     */
    static String timestamp(String time) {
        if (time == null || time.length() < 20 || !digits(time, 0, 4) || time.charAt(4) != '-'
                || !digits(time, 5, 7) || time.charAt(7) != '-' || !digits(time, 8, 10)
                || (time.charAt(10) != 'T' && time.charAt(10) != 't') || !digits(time, 11, 13)
                || time.charAt(13) != ':' || !digits(time, 14, 16) || time.charAt(16) != ':'
                || !digits(time, 17, 19)) {
            return "-";
        }
        int pos = 19;
        StringBuilder sb = new StringBuilder(32).append(time, 0, 10).append('T').append(time, 11, 19).append('.');
        int fraction = 0;
        if (time.charAt(pos) == '.') {
            pos++;
            while (pos < time.length() && Character.isDigit(time.charAt(pos)) && time.charAt(pos) < 128) {
                if (fraction < 6) {
                    sb.append(time.charAt(pos));
                }
                fraction++;
                pos++;
            }
            if (fraction == 0) {
                return "-";
            }
        }
        for (int i = Math.min(fraction, 6); i < 6; i++) {
            sb.append('0');
        }
        String offset = time.substring(pos);
        if (offset.equals("Z") || offset.equals("z")) {
            return sb.append('Z').toString();
        }
        if (offset.length() == 6 && (offset.charAt(0) == '+' || offset.charAt(0) == '-') && digits(offset, 1, 3)
                && offset.charAt(3) == ':' && digits(offset, 4, 6)) {
            return sb.append(offset).toString();
        }
        return "-";
    }

    private static boolean digits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code text} in RFC 5424's PRINTUSASCII ({@code !} to {@code ~}): each other character
     * (a space, a control character, non-ASCII) as {@code _}, at most {@code max} characters;
     * {@code -} (NILVALUE) when empty.
     */
    static String printable(String text, int max) {
        if (text == null || text.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder(Math.min(text.length(), max));
        for (int i = 0; i < text.length() && sb.length() < max; ) {
            int c = text.codePointAt(i);
            sb.append(c >= 33 && c <= 126 ? (char) c : '_');
            i += Character.charCount(c);
        }
        return sb.toString();
    }

    /** A byte buffer with the writes this class needs. */
    private static final class Out extends ByteArrayOutputStream {
        Out() {
            super(1024);
        }

        Out ascii(String s) {
            for (int i = 0; i < s.length(); i++) {
                write(s.charAt(i));
            }
            return this;
        }

        Out bytes(byte[] b, int length) {
            write(b, 0, length);
            return this;
        }

        /** A PARAM-VALUE: UTF-8, with {@code "}, {@code \} and {@code ]} escaped by a backslash (RFC 5424 6.3.3). */
        Out param(String value) {
            byte[] b = value.getBytes(StandardCharsets.UTF_8);
            for (byte x : b) {
                if (x == '"' || x == '\\' || x == ']') {
                    write('\\');
                }
                write(x);
            }
            return this;
        }
    }
}

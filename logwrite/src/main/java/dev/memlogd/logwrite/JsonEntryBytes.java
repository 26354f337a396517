package dev.memlogd.logwrite;

import java.util.Arrays;

import dev.memlogd.core.wire.Utf8;

/**
 * The fast path from one of memlogd's JSON lines to the parts of a file line, without a String
 * or an object per line: {@code {"time":"…","source":"…","msg":"…"[,"seq":N[,"pri":P][,"truncated":true]]}},
 * the shape both our daemon and LinuxKit's write, fields in that order. The time comes out as
 * the file wants it (whole seconds, the offset kept, {@code Z} for zero), source and message
 * decoded from JSON to UTF-8 bytes exactly as {@code EntryJsonParser} decodes them (a lone
 * surrogate escape becomes U+FFFD, as Go does).
 *
 * <p>{@link #parse} answers false for anything else: a notice (no {@code seq}, a {@code lost}
 * field), other field orders, raw control characters, invalid UTF-8, a time it does not take
 * for plain RFC 3339 (or a date that needs checking: then the general parser decides). The
 * caller then uses the general parser, which gives the same result or says what is wrong.
 * One instance per reader thread; the parts are valid until the next {@link #parse}.
 */
final class JsonEntryBytes {
    private static final byte[] TIME = ascii("{\"time\":\"");
    private static final byte[] SOURCE = ascii("\",\"source\":\"");
    private static final byte[] MSG = ascii("\",\"msg\":\"");
    private static final byte[] SEQ = ascii(",\"seq\":");
    private static final byte[] PRI = ascii(",\"pri\":");
    private static final byte[] TRUNCATED = ascii(",\"truncated\":true");
    private static final int[] DAYS = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    final byte[] time = new byte[25];
    int timeLength;
    byte[] source = new byte[512];
    int sourceLength;
    byte[] msg = new byte[4096];
    int msgLength;
    /** The entry's seq, -1 when the line has none (LinuxKit's daemon). */
    long seq;

    private int pos;

    /** Parses {@code line[from, to)}; false when the general parser must decide. */
    boolean parse(byte[] line, int from, int to) {
        pos = from;
        for (int i = from; i < to; i++) {
            if (line[i] < 0) {
                if (!Utf8.isValid(line, from, to)) {
                    return false;
                }
                break;
            }
        }
        if (!expect(line, to, TIME)) {
            return false;
        }
        int timeStart = pos;
        while (pos < to && line[pos] != '"') {
            pos++;
        }
        if (pos >= to || !seconds(line, timeStart, pos) || !expect(line, to, SOURCE)) {
            return false;
        }
        sourceLength = string(line, to, true);
        if (sourceLength < 0 || !expect(line, to, MSG)) {
            return false;
        }
        msgLength = string(line, to, false);
        if (msgLength < 0 || pos >= to || line[pos++] != '"') {
            return false;
        }
        seq = -1;
        if (expect(line, to, SEQ)) {
            int digits = pos;
            long n = 0;
            while (pos < to && line[pos] >= '0' && line[pos] <= '9' && pos - digits < 18) {
                n = n * 10 + (line[pos++] - '0');
            }
            if (pos == digits) {
                return false;
            }
            seq = n;
            if (expect(line, to, PRI)) {
                // A syslog priority (memlogd -syslog-prefix): not part of the file's line.
                int priDigits = pos;
                while (pos < to && line[pos] >= '0' && line[pos] <= '9' && pos - priDigits < 3) {
                    pos++;
                }
                if (pos == priDigits) {
                    return false;
                }
            }
            expect(line, to, TRUNCATED);
        }
        return pos == to - 1 && line[pos] == '}';
    }

    private boolean expect(byte[] line, int to, byte[] literal) {
        if (to - pos < literal.length || !Arrays.equals(line, pos, pos + literal.length, literal, 0, literal.length)) {
            return false;
        }
        pos += literal.length;
        return true;
    }

    /** {@code YYYY-MM-DDTHH:MM:SS[.d{1,9}](Z|±HH:MM)} into {@link #time}, as Go's RFC3339 prints it. */
    private boolean seconds(byte[] a, int from, int to) {
        int n = to - from;
        if (n < 20 || a[from + 4] != '-' || a[from + 7] != '-' || a[from + 10] != 'T' || a[from + 13] != ':'
                || a[from + 16] != ':') {
            return false;
        }
        int year = digits(a, from, 4);
        int month = digits(a, from + 5, 2);
        int day = digits(a, from + 8, 2);
        int hour = digits(a, from + 11, 2);
        int minute = digits(a, from + 14, 2);
        int second = digits(a, from + 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59 || day > DAYS[month - 1] + (month == 2 && leap(year) ? 1 : 0)) {
            return false;
        }
        int zone = from + 19;
        if (a[zone] == '.') {
            int start = ++zone;
            while (zone < to && a[zone] >= '0' && a[zone] <= '9') {
                zone++;
            }
            if (zone == start || zone - start > 9) {
                return false;
            }
        }
        System.arraycopy(a, from, time, 0, 19);
        if (to - zone == 1 && a[zone] == 'Z') {
            time[19] = 'Z';
            timeLength = 20;
            return true;
        }
        if (to - zone != 6 || a[zone] != '+' && a[zone] != '-' || a[zone + 3] != ':'
                || digits(a, zone + 1, 2) < 0 || digits(a, zone + 1, 2) > 23 || digits(a, zone + 4, 2) < 0
                || digits(a, zone + 4, 2) > 59) {
            return false;
        }
        if (digits(a, zone + 1, 2) == 0 && digits(a, zone + 4, 2) == 0) {
            time[19] = 'Z'; // Go prints any zero offset as Z
            timeLength = 20;
        } else {
            System.arraycopy(a, zone, time, 19, 6);
            timeLength = 25;
        }
        return true;
    }

    private static boolean leap(int year) {
        return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    }

    private static int digits(byte[] a, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            if (a[i] < '0' || a[i] > '9') {
                return -1;
            }
            v = v * 10 + (a[i] - '0');
        }
        return v;
    }

    /** Decodes a JSON string's contents up to its closing quote (not consumed) into source or msg. */
    private int string(byte[] a, int to, boolean intoSource) {
        byte[] out = intoSource ? source : msg;
        int length = 0;
        while (pos < to) {
            byte b = a[pos];
            if (b == '"') {
                break;
            }
            if (length + 4 > out.length) {
                out = Arrays.copyOf(out, out.length * 2);
            }
            if (b >= 0 && b < 0x20) {
                return -1;
            }
            if (b != '\\') {
                out[length++] = b;
                pos++;
                continue;
            }
            if (pos + 1 >= to) {
                return -1;
            }
            byte e = a[pos + 1];
            pos += 2;
            switch (e) {
                case '"', '\\', '/' -> out[length++] = e;
                case 'b' -> out[length++] = '\b';
                case 'f' -> out[length++] = '\f';
                case 'n' -> out[length++] = '\n';
                case 'r' -> out[length++] = '\r';
                case 't' -> out[length++] = '\t';
                case 'u' -> {
                    int n = unicodeEscape(a, to, out, length);
                    if (n < 0) {
                        return -1;
                    }
                    length += n;
                }
                default -> {
                    return -1;
                }
            }
        }
        if (intoSource) {
            source = out;
        } else {
            msg = out;
        }
        return pos < to ? length : -1;
    }

    /** After {@code \\u}: the code unit (or pair) as UTF-8; a lone surrogate as U+FFFD. */
    private int unicodeEscape(byte[] a, int to, byte[] out, int at) {
        int c = hex4(a, to);
        if (c < 0) {
            return -1;
        }
        int codePoint = c;
        if (Character.isHighSurrogate((char) c) && pos + 6 <= to && a[pos] == '\\' && a[pos + 1] == 'u') {
            int mark = pos;
            pos += 2;
            int low = hex4(a, to);
            if (low >= 0 && Character.isLowSurrogate((char) low)) {
                codePoint = Character.toCodePoint((char) c, (char) low);
            } else {
                pos = mark; // not a pair: the next escape is decoded on its own, as Go does
            }
        }
        if (codePoint == c && Character.isSurrogate((char) c)) {
            codePoint = 0xfffd;
        }
        return utf8(codePoint, out, at);
    }

    private int hex4(byte[] a, int to) {
        if (pos + 4 > to) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(a[pos + i], 16);
            if (d < 0) {
                return -1;
            }
            v = v << 4 | d;
        }
        pos += 4;
        return v;
    }

    private static int utf8(int cp, byte[] out, int at) {
        if (cp < 0x80) {
            out[at] = (byte) cp;
            return 1;
        }
        if (cp < 0x800) {
            out[at] = (byte) (0xc0 | cp >> 6);
            out[at + 1] = (byte) (0x80 | cp & 0x3f);
            return 2;
        }
        if (cp < 0x10000) {
            out[at] = (byte) (0xe0 | cp >> 12);
            out[at + 1] = (byte) (0x80 | cp >> 6 & 0x3f);
            out[at + 2] = (byte) (0x80 | cp & 0x3f);
            return 3;
        }
        out[at] = (byte) (0xf0 | cp >> 18);
        out[at + 1] = (byte) (0x80 | cp >> 12 & 0x3f);
        out[at + 2] = (byte) (0x80 | cp >> 6 & 0x3f);
        out[at + 3] = (byte) (0x80 | cp & 0x3f);
        return 4;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}

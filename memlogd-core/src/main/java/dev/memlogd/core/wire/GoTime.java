package dev.memlogd.core.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Go's {@code time.RFC3339Nano} ({@code 2006-01-02T15:04:05.999999999Z07:00}): the time format
 * of LinuxKit's query JSON and of logread's output.
 *
 * <p>Formatting is always in UTC ({@code Z}) with the fraction's trailing zeros trimmed and no
 * fraction at all when it is zero, as Go does. It works in plain integer arithmetic (no
 * {@code java.time}, no allocation) because it runs once per entry sent to every client.
 * Every {@code long} of nanoseconds since the epoch is a year between 1677 and 2262, well
 * inside the 0000-9999 range this arithmetic is written for (four-digit years).
 *
 * <p>All methods are stateless and thread-safe.
 */
public final class GoTime {
    /** Longest formatted time: {@code 2006-01-02T15:04:05.999999999Z}. */
    public static final int MAX_FORMATTED_LENGTH = 30;
    /**
     * Length of {@code YYYY-MM-DDTHH:MM:SS}, the start of every formatted time (years are
     * always four digits here), which depends only on the second since the epoch.
     */
    static final int SECONDS_LENGTH = 19;
    /** Nanoseconds per second, for {@link TimeText}'s split of a stamp into second and fraction. */
    static final long NANOS_PER_SECOND = 1_000_000_000L;

    private static final int SECONDS_PER_DAY = 86_400;
    // Offsets of the parsed fields in the array returned by fields().
    private static final int YEAR = 0;
    private static final int MONTH = 1;
    private static final int DAY = 2;
    private static final int HOUR = 3;
    private static final int MINUTE = 4;
    private static final int SECOND = 5;
    private static final int NANO = 6;
    private static final int OFFSET = 7;

    private GoTime() {
    }

    /**
     * Writes {@code epochNanos} as RFC3339Nano in UTC into {@code dst} from {@code off}; allocates nothing.
     *
     * @return the offset after the last byte written (at most {@link #MAX_FORMATTED_LENGTH} bytes)
     * @throws ArrayIndexOutOfBoundsException when {@code dst} has too little room
     */
    public static int formatRfc3339Nano(long epochNanos, byte[] dst, int off) {
        return write(epochNanos, dst, off, null);
    }

    /**
     * Puts {@code epochNanos} as RFC3339Nano in UTC at {@code out}'s position (relative puts);
     * allocates nothing. Works for heap and direct buffers.
     *
     * @throws java.nio.BufferOverflowException when {@code out} has fewer than
     *         {@link #MAX_FORMATTED_LENGTH} bytes remaining and the time needs them
     */
    public static void formatRfc3339Nano(long epochNanos, ByteBuffer out) {
        write(epochNanos, null, 0, out);
    }

    /** {@code epochNanos} as RFC3339Nano in UTC, e.g. {@code 2026-11-23T00:24:04.28156085Z}. */
    public static String formatRfc3339Nano(long epochNanos) {
        byte[] b = new byte[MAX_FORMATTED_LENGTH];
        int n = formatRfc3339Nano(epochNanos, b, 0);
        return new String(b, 0, n, StandardCharsets.US_ASCII);
    }

    /**
     * Parses an RFC 3339 time: {@code YYYY-MM-DDTHH:MM:SS}, an optional fraction of 1 to 9
     * digits, then {@code Z} or {@code ±hh:mm}.
     *
     * @return nanoseconds since the epoch
     * @throws IllegalArgumentException naming the text when it is not such a time, or when it
     *         lies outside what a {@code long} of nanoseconds can hold (1677-2262)
     */
    public static long parseEpochNanos(CharSequence rfc3339) {
        int[] f = fields(rfc3339);
        long days = daysFromCivil(f[YEAR], f[MONTH], f[DAY]);
        long seconds = days * SECONDS_PER_DAY + f[HOUR] * 3600L + f[MINUTE] * 60L + f[SECOND] - f[OFFSET];
        try {
            return Math.addExact(Math.multiplyExact(seconds, NANOS_PER_SECOND), f[NANO]);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("time outside the years 1677-2262 that nanoseconds since the"
                    + " epoch can hold: \"" + clip(rfc3339) + "\"");
        }
    }

    /**
     * What Go's logread prints for this time: parsed, then formatted with RFC3339Nano in the
     * offset it came with. The local date and time digits are kept, the fraction's trailing
     * zeros trimmed (dropped when all zero), a zero offset written {@code Z}, others {@code ±hh:mm}.
     *
     * @throws IllegalArgumentException naming the text when it is not an RFC 3339 time
     */
    public static String normalize(String rfc3339) {
        int[] f = fields(rfc3339);
        StringBuilder sb = new StringBuilder(35);
        pad(sb, f[YEAR], 4).append('-');
        pad(sb, f[MONTH], 2).append('-');
        pad(sb, f[DAY], 2).append('T');
        pad(sb, f[HOUR], 2).append(':');
        pad(sb, f[MINUTE], 2).append(':');
        pad(sb, f[SECOND], 2);
        int nanos = f[NANO];
        if (nanos != 0) {
            int digits = 9;
            while (nanos % 10 == 0) {
                nanos /= 10;
                digits--;
            }
            pad(sb.append('.'), nanos, digits);
        }
        int offset = f[OFFSET];
        if (offset == 0) {
            sb.append('Z'); // Go prints any zero offset, "-00:00" included, as Z
        } else {
            sb.append(offset < 0 ? '-' : '+');
            int minutes = Math.abs(offset) / 60;
            pad(sb, minutes / 60, 2).append(':');
            pad(sb, minutes % 60, 2);
        }
        return sb.toString();
    }

    // One implementation for arrays and buffers: dst != null writes dst[off...], else out.put().
    private static int write(long epochNanos, byte[] dst, int off, ByteBuffer out) {
        long seconds = Math.floorDiv(epochNanos, NANOS_PER_SECOND);
        int nanos = (int) Math.floorMod(epochNanos, NANOS_PER_SECOND);
        long days = Math.floorDiv(seconds, SECONDS_PER_DAY);
        int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);

        // Civil-from-days (H. Hinnant): eras of 400 years starting on March 1st, so the leap
        // day is the last day of its year and month lengths follow a simple formula.
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        int dayOfEra = (int) (z - era * 146_097);
        int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        int mp = (5 * dayOfYear + 2) / 153;
        int day = dayOfYear - (153 * mp + 2) / 5 + 1;
        int month = mp < 10 ? mp + 3 : mp - 9;
        int year = (int) (yearOfEra + era * 400) + (month <= 2 ? 1 : 0);

        off = digits(year, 4, dst, off, out);
        off = put((byte) '-', dst, off, out);
        off = digits(month, 2, dst, off, out);
        off = put((byte) '-', dst, off, out);
        off = digits(day, 2, dst, off, out);
        off = put((byte) 'T', dst, off, out);
        off = digits(secondOfDay / 3600, 2, dst, off, out);
        off = put((byte) ':', dst, off, out);
        off = digits(secondOfDay / 60 % 60, 2, dst, off, out);
        off = put((byte) ':', dst, off, out);
        off = digits(secondOfDay % 60, 2, dst, off, out);
        return fraction(nanos, dst, off, out);
    }

    /**
     * Writes the part of the time after the seconds, for a nanosecond of second {@code nanos}
     * ({@code 0..999_999_999}): the fraction with its trailing zeros trimmed (none when zero),
     * then {@code Z}. For {@link TimeText}, which keeps the first {@link #SECONDS_LENGTH} bytes
     * while the second does not change; allocates nothing.
     *
     * @return the offset after the last byte written (at most 11 bytes)
     */
    static int formatFraction(int nanos, byte[] dst, int off) {
        return fraction(nanos, dst, off, null);
    }

    private static int fraction(int nanos, byte[] dst, int off, ByteBuffer out) {
        if (nanos != 0) {
            int width = 9;
            while (nanos % 10 == 0) {
                nanos /= 10;
                width--;
            }
            off = put((byte) '.', dst, off, out);
            off = digits(nanos, width, dst, off, out);
        }
        return put((byte) 'Z', dst, off, out);
    }

    /** Writes {@code value} as exactly {@code width} decimal digits, zero-padded on the left. */
    private static int digits(int value, int width, byte[] dst, int off, ByteBuffer out) {
        int divisor = 1;
        for (int i = 1; i < width; i++) {
            divisor *= 10;
        }
        for (; divisor > 0; divisor /= 10) {
            off = put((byte) ('0' + value / divisor % 10), dst, off, out);
        }
        return off;
    }

    private static int put(byte b, byte[] dst, int off, ByteBuffer out) {
        if (dst != null) {
            dst[off] = b;
        } else {
            out.put(b);
        }
        return off + 1;
    }

    /** Days from 1970-01-01 to this proleptic Gregorian date (inverse of the arithmetic in write). */
    private static long daysFromCivil(int year, int month, int day) {
        int y = month <= 2 ? year - 1 : year;
        int era = Math.floorDiv(y, 400);
        int yearOfEra = y - era * 400;
        int dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097L + dayOfEra - 719_468;
    }

    /** Checks the syntax and ranges the way Go's strict RFC 3339 parser does and returns the fields. */
    private static int[] fields(CharSequence s) {
        if (s == null) {
            throw new IllegalArgumentException("not an RFC 3339 time: null");
        }
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            throw bad(s, "expected YYYY-MM-DDTHH:MM:SS");
        }
        int[] f = new int[8];
        f[YEAR] = number(s, 0, 4);
        f[MONTH] = number(s, 5, 2);
        f[DAY] = number(s, 8, 2);
        f[HOUR] = number(s, 11, 2);
        f[MINUTE] = number(s, 14, 2);
        f[SECOND] = number(s, 17, 2);
        if (f[MONTH] < 1 || f[MONTH] > 12) {
            throw bad(s, "month out of range");
        }
        if (f[DAY] < 1 || f[DAY] > daysInMonth(f[YEAR], f[MONTH])) {
            throw bad(s, "day out of range");
        }
        if (f[HOUR] > 23 || f[MINUTE] > 59 || f[SECOND] > 59) {
            throw bad(s, "time of day out of range");
        }
        int i = 19;
        if (s.charAt(i) == '.') {
            int start = ++i;
            int nanos = 0;
            while (i < n && isDigit(s.charAt(i))) {
                nanos = nanos * 10 + (s.charAt(i++) - '0');
            }
            int count = i - start;
            if (count < 1 || count > 9) {
                throw bad(s, "fraction must have 1 to 9 digits");
            }
            for (; count < 9; count++) {
                nanos *= 10;
            }
            f[NANO] = nanos;
        }
        if (i == n - 1 && s.charAt(i) == 'Z') {
            return f;
        }
        char sign = i < n ? s.charAt(i) : 0;
        if (n - i != 6 || (sign != '+' && sign != '-') || s.charAt(i + 3) != ':') {
            throw bad(s, "expected Z or ±hh:mm after the seconds");
        }
        int hours = number(s, i + 1, 2);
        int minutes = number(s, i + 4, 2);
        if (hours > 23 || minutes > 59) {
            throw bad(s, "offset out of range");
        }
        f[OFFSET] = (sign == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
        return f;
    }

    private static int number(CharSequence s, int from, int width) {
        int v = 0;
        for (int i = from; i < from + width; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                throw bad(s, "expected a digit at position " + i);
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int daysInMonth(int year, int month) {
        if (month == 2) {
            boolean leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
            return leap ? 29 : 28;
        }
        return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
    }

    private static StringBuilder pad(StringBuilder sb, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(digits);
    }

    private static IllegalArgumentException bad(CharSequence s, String why) {
        return new IllegalArgumentException("not an RFC 3339 time (" + why + "): \"" + clip(s) + "\"");
    }

    private static String clip(CharSequence s) {
        return s.length() <= 100 ? s.toString() : s.subSequence(0, 100) + "…";
    }
}

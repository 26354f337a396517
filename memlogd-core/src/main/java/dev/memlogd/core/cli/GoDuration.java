package dev.memlogd.core.cli;

/**
 * A duration written as Go's {@code time.ParseDuration} reads it (and so as Go's {@code flag}
 * package reads a duration flag): one or more decimal numbers, each with a unit, {@code ns},
 * {@code us} (or {@code µs}), {@code ms}, {@code s}, {@code m}, {@code h}: {@code 30s},
 * {@code 1m30s}, {@code 1.5h}, {@code 500ms}; {@code 0} alone is zero. Unlike Go, no sign is
 * accepted (no option of ours means anything by a negative duration). Stateless and thread-safe.
 */
public final class GoDuration {
    private GoDuration() {
    }

    /**
     * The duration in nanoseconds.
     *
     * @throws IllegalArgumentException saying what is wrong, with the value
     */
    public static long parseNanos(String value) {
        if (value.equals("0")) {
            return 0;
        }
        if (value.isEmpty()) {
            throw bad(value);
        }
        double total = 0;
        int i = 0;
        while (i < value.length()) {
            int start = i;
            while (i < value.length() && (Character.isDigit(value.charAt(i)) || value.charAt(i) == '.')) {
                i++;
            }
            String number = value.substring(start, i);
            int unitStart = i;
            while (i < value.length() && !Character.isDigit(value.charAt(i)) && value.charAt(i) != '.') {
                i++;
            }
            long unit = unitNanos(value.substring(unitStart, i));
            if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.') || unit < 0) {
                throw bad(value);
            }
            total += Double.parseDouble(number) * unit;
        }
        if (total >= Long.MAX_VALUE) {
            throw new IllegalArgumentException("duration out of range: " + value);
        }
        return (long) total;
    }

    private static long unitNanos(String unit) {
        switch (unit) {
            case "ns":
                return 1;
            case "us":
            case "µs":
            case "μs":
                return 1_000;
            case "ms":
                return 1_000_000;
            case "s":
                return 1_000_000_000L;
            case "m":
                return 60_000_000_000L;
            case "h":
                return 3_600_000_000_000L;
            default:
                return -1;
        }
    }

    private static IllegalArgumentException bad(String value) {
        return new IllegalArgumentException("not a duration (a number and a unit, ns us ms s m h, as 30s or 1m30s): '"
                + value + "'");
    }
}

package dev.memlogd.core.wire;

/**
 * The line format of LinuxKit's {@code logwrite} files, {@code <time> <source> <msg>\n}: the
 * time as Go's {@code time.RFC3339} prints the entry's time (whole seconds, the fraction cut,
 * not rounded; in the offset the time came with, {@code Z} for a zero offset), then the source
 * name and the message as the daemon sent them (decoded from JSON: a newline in a message is a
 * newline in the file, as with LinuxKit). Stateless and thread-safe.
 */
public final class LogwriteFormat {
    private LogwriteFormat() {
    }

    /**
     * The file line of {@code entry}, newline included.
     *
     * @throws IllegalArgumentException when the entry's time is not RFC 3339
     */
    public static String line(LogEntry entry) {
        return line(seconds(entry.time()), entry.source(), entry.msg());
    }

    /** A line from its parts: {@code time} already in {@link #seconds} form. */
    public static String line(String time, String source, String msg) {
        return time + ' ' + source + ' ' + msg + '\n';
    }

    /**
     * An RFC 3339 time as Go's {@code time.RFC3339} formats it: {@code 2026-11-23T01:24:04+01:00},
     * {@code 2026-11-23T00:24:04Z}.
     *
     * @throws IllegalArgumentException when {@code rfc3339} is not RFC 3339
     */
    public static String seconds(String rfc3339) {
        String nano = GoTime.normalize(rfc3339);
        int dot = nano.indexOf('.', 19);
        if (dot < 0) {
            return nano;
        }
        int zone = dot + 1;
        while (zone < nano.length() && Character.isDigit(nano.charAt(zone))) {
            zone++;
        }
        return nano.substring(0, dot) + nano.substring(zone);
    }
}

package dev.memlogd.e2e;

import java.util.regex.Pattern;

/** Text formats the suite checks output against (linuxkit-protocol.md, docs/protocol.md). */
final class Formats {
    /** Go's RFC3339Nano in UTC: fraction with trailing zeros trimmed, none when zero, {@code Z}. */
    static final String TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d*[1-9])?Z";
    static final Pattern TIME_PATTERN = Pattern.compile(TIME);

    private Formats() {
    }

    /** One logread line: {@code <time>;<source, each ";" as "\;">;<msg>} with a newline. */
    static String logreadLine(String time, String source, String msg) {
        return time + ";" + source.replace(";", "\\;") + ";" + msg + "\n";
    }
}

package dev.memlogd.logread.bundle;

import java.util.regex.Pattern;

import dev.memlogd.core.wire.SyslogPriority;

/**
 * How severe a line looks, for putting the worst lines first on the bundle's page: its syslog
 * level where the daemon knows one (kmsg-reader's records, sources given with
 * {@code memlogd -syslog-prefix}), else {@link SyslogPriority#ERR} when the message holds a
 * common failure word ({@link #FAILURE_WORDS}), else none. Stateless.
 */
final class Severity {
    /** No known level and no failure word: not a highlight. */
    static final int NONE = -1;

    /** Words that mark a failure in most programs' output; matched as whole words, any case. */
    static final Pattern FAILURE_WORDS = Pattern.compile(
            "\\b(error|errors|err|fail|failed|failure|fatal|panic|oops|segfault|killed|oom|out of memory"
                    + "|denied|timeout|timed out|cannot|can't|unable|exception|traceback|corrupt|corrupted)\\b",
            Pattern.CASE_INSENSITIVE);

    private Severity() {
    }

    /**
     * The line's level, 0 (emerg) to 7 (debug), or {@link #NONE}.
     *
     * @param pri the entry's syslog priority, -1 when unknown
     */
    static int of(int pri, String msg) {
        if (pri >= 0) {
            return pri & 7;
        }
        return FAILURE_WORDS.matcher(msg).find() ? SyslogPriority.ERR : NONE;
    }

    /** Whether a line of {@code level} belongs among the page's highlights: warning or worse. */
    static boolean notable(int level) {
        return level >= 0 && level <= SyslogPriority.WARNING;
    }
}

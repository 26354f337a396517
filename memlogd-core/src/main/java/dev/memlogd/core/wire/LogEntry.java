package dev.memlogd.core.wire;

/**
 * One entry as a query client receives it (see {@link EntryJsonParser#parse}).
 *
 * <p>Immutable, so thread-safe. No validation: it holds what a daemon sent.
 *
 * @param time      the time text exactly as sent (RFC 3339; see {@link GoTime})
 * @param source    the source name
 * @param msg       the message
 * @param seq       our daemon's sequence number, -1 when absent (LinuxKit's memlogd, or a notice)
 * @param truncated whether the daemon cut the line at {@code -max-line-len}
 * @param lost      in the daemon's notices, how many entries the client missed; -1 when absent
 * @param daemon    in the identity notice (a mode-3 request with {@code identity}), the
 *                  daemon's identity; null when absent
 * @param pri       the line's syslog priority (0-191; its level is {@code pri & 7}), read from
 *                  a {@code <N>} prefix of a source named in the daemon's {@code -syslog-prefix};
 *                  -1 when absent (on the wire it comes after {@code seq}; here after the
 *                  fields that were there before it, so that the shorter constructors keep their meaning)
 * @param suppressed whether this is the daemon's count of the source's lines that its rate
 *                  limit kept out of the ring (the count is in {@code msg})
 */
public record LogEntry(String time, String source, String msg, long seq, boolean truncated, long lost,
        String daemon, int pri, boolean suppressed) {

    /** An entry or notice that is not a count of suppressed lines. */
    public LogEntry(String time, String source, String msg, long seq, boolean truncated, long lost,
            String daemon, int pri) {
        this(time, source, msg, seq, truncated, lost, daemon, pri, false);
    }

    /** An entry or notice without a syslog priority. */
    public LogEntry(String time, String source, String msg, long seq, boolean truncated, long lost,
            String daemon) {
        this(time, source, msg, seq, truncated, lost, daemon, -1);
    }

    /** An entry or notice without a daemon identity or a syslog priority. */
    public LogEntry(String time, String source, String msg, long seq, boolean truncated, long lost) {
        this(time, source, msg, seq, truncated, lost, null, -1);
    }
}

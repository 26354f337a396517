package dev.memlogd.core.wire;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;

import dev.memlogd.core.ring.RecordDescriptor;

/**
 * The syslog priority a line may start with, as sd-daemon(3) and the kernel's {@code /dev/kmsg}
 * write it: {@code <N>}, N = facility * 8 + level, and the level names journalctl's {@code -p}
 * takes. The daemon reads the prefix ({@link #parsePrefix}) only for the sources named in its
 * {@code -syslog-prefix} flag; a query's {@code level} keeps entries whose level is that
 * severity or more severe (docs/protocol.md).
 *
 * <p>A prefix is {@code <}, one to three ASCII digits, {@code >}, at the very start of the
 * line, with a value from 0 to {@value RecordDescriptor#MAX_PRI}. Leading zeros are accepted
 * ({@code <03>} is 3), as systemd's {@code syslog_parse_priority} and the kernel accept them.
 * Anything else ({@code <>}, {@code <1a>}, {@code <192>}, {@code <0001>}, a space before the
 * {@code <}) is not a prefix, and the line is kept as it is.
 *
 * <p>Stateless and thread-safe; {@link #parsePrefix} allocates nothing.
 */
public final class SyslogPriority {
    /** What {@link #parsePrefix} answers for a line without a prefix. */
    public static final int NO_PREFIX = -1;
    /** The most severe level. */
    public static final int EMERG = 0;
    /** Error conditions. */
    public static final int ERR = 3;
    /** Warning conditions. */
    public static final int WARNING = 4;
    /** The least severe level: a query's {@code level} goes from {@link #EMERG} to this. */
    public static final int DEBUG = 7;
    /** The level names, by level, as journalctl and syslog(3) spell them. */
    public static final List<String> LEVEL_NAMES =
            List.of("emerg", "alert", "crit", "err", "warning", "notice", "info", "debug");

    private static final int MAX_DIGITS = 3;

    private SyslogPriority() {
    }

    /**
     * Reads a {@code <N>} prefix from the start of {@code line[index, index + length)}, with
     * absolute gets (the buffer's position is ignored and left alone). Called per line on the
     * ingest path of an opted-in source: no allocation, at most five bytes read.
     *
     * @return {@link #NO_PREFIX}, or the prefix packed as {@code length << 8 | pri}: take it
     *         apart with {@link #prefixLength} and {@link #pri}
     */
    public static int parsePrefix(ByteBuffer line, int index, int length) {
        if (length < 3 || line.get(index) != '<') {
            return NO_PREFIX;
        }
        int pri = 0;
        int end = Math.min(length, MAX_DIGITS + 2);
        for (int i = 1; i < end; i++) {
            byte b = line.get(index + i);
            if (b == '>') {
                return i == 1 || pri > RecordDescriptor.MAX_PRI ? NO_PREFIX : (i + 1) << 8 | pri;
            }
            if (b < '0' || b > '9') {
                return NO_PREFIX;
            }
            pri = pri * 10 + (b - '0');
        }
        return NO_PREFIX;
    }

    /** Bytes of the prefix {@link #parsePrefix} found, {@code >} included: 3 to 5. */
    public static int prefixLength(int parsed) {
        return parsed >>> 8;
    }

    /** The priority of the prefix {@link #parsePrefix} found: 0 to {@value RecordDescriptor#MAX_PRI}. */
    public static int pri(int parsed) {
        return parsed & 0xff;
    }

    /** The level of a priority: its low three bits, 0 (emerg) to 7 (debug). */
    public static int level(int pri) {
        return pri & 7;
    }

    /**
     * A level as journalctl's {@code -p} takes it: a number 0-7 or a name of
     * {@link #LEVEL_NAMES}, in any letter case, also {@code error} (err) and {@code warn}
     * (warning).
     *
     * @throws IllegalArgumentException naming the accepted values when {@code text} is none of them
     */
    public static int parseLevel(String text) {
        String name = text.toLowerCase(Locale.ROOT);
        if (name.length() == 1 && name.charAt(0) >= '0' && name.charAt(0) <= '7') {
            return name.charAt(0) - '0';
        }
        int level = LEVEL_NAMES.indexOf(name);
        if (level >= 0) {
            return level;
        }
        switch (name) {
            case "error":
                return 3;
            case "warn":
                return 4;
            default:
                throw new IllegalArgumentException("not a syslog level: '" + text + "' (0-7, or "
                        + String.join(", ", LEVEL_NAMES) + "; also error, warn)");
        }
    }
}

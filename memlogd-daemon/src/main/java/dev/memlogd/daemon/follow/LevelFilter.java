package dev.memlogd.daemon.follow;

import java.nio.ByteBuffer;

import dev.memlogd.core.ring.RecordDescriptor;
import dev.memlogd.core.wire.SyslogPriority;

/**
 * The severity a reader asked for (a mode-3 request's {@code level}), matched against ring
 * records without allocating: an entry matches when it has a syslog priority whose level is
 * the one asked for or more severe (a lower number), as journalctl's {@code -p}. An entry
 * without a priority never matches a level, so that a reader asking for errors gets errors.
 * Immutable.
 */
public final class LevelFilter {
    /** Every entry, with a priority or not: what a reader gets unless it asks for a level. */
    public static final LevelFilter ALL = new LevelFilter(-1);

    /** The highest level number wanted, or -1 for every entry. */
    private final int maxLevel;

    private LevelFilter(int maxLevel) {
        this.maxLevel = maxLevel;
    }

    /**
     * A filter for {@code level} (0 emerg to 7 debug); {@link #ALL} for -1.
     *
     * @throws IllegalArgumentException for any other value
     */
    public static LevelFilter of(int level) {
        if (level < -1 || level > SyslogPriority.DEBUG) {
            throw new IllegalArgumentException("level must be 0 to 7, or -1 for every entry: " + level);
        }
        return level < 0 ? ALL : new LevelFilter(level);
    }

    /** Whether the record at {@code recordOffset} is of the level asked for or more severe. */
    public boolean matches(ByteBuffer records, int recordOffset) {
        if (maxLevel < 0) {
            return true;
        }
        int pri = RecordDescriptor.pri(records.getInt(RecordDescriptor.flagsOffset(recordOffset)));
        return pri != RecordDescriptor.NO_PRI && SyslogPriority.level(pri) <= maxLevel;
    }
}

package dev.memlogd.daemon.ingest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The sources whose lines' {@code <N>} syslog prefix the daemon reads ({@code -syslog-prefix}):
 * none by default, so LinuxKit's clients see every line as LinuxKit's daemon shows it; a
 * comma-separated list of source names; or {@code *} for every source. Asked once per fd, when
 * it is registered ({@link Ingest#add}), never per line. Immutable.
 */
public final class SyslogSources {
    /** The default: no source's lines are changed. */
    public static final SyslogSources NONE = new SyslogSources(false, List.of());
    /** Every source. */
    public static final SyslogSources ALL = new SyslogSources(true, List.of());

    private final boolean all;
    /** The names as received sources carry them (UTF-8 bytes), compared byte for byte. */
    private final List<byte[]> names;

    private SyslogSources(boolean all, List<byte[]> names) {
        this.all = all;
        this.names = names;
    }

    /**
     * Reads the flag's value: names separated by commas, {@code *} among them meaning every
     * source, empty names ignored (so the empty value, the default, is {@link #NONE}). A name
     * with a comma cannot be given, nor the empty name, other than through {@code *}.
     */
    public static SyslogSources parse(String flag) {
        List<byte[]> names = new ArrayList<>();
        for (String name : flag.split(",", -1)) {
            if (name.equals("*")) {
                return ALL;
            }
            if (!name.isEmpty()) {
                names.add(name.getBytes(StandardCharsets.UTF_8));
            }
        }
        return names.isEmpty() ? NONE : new SyslogSources(false, List.copyOf(names));
    }

    /** Whether no source is named: the daemon behaves as LinuxKit's. */
    public boolean isNone() {
        return !all && names.isEmpty();
    }

    /** Whether lines of the source with these name bytes have their prefix read. */
    public boolean appliesTo(byte[] nameBytes) {
        if (all) {
            return true;
        }
        for (byte[] name : names) {
            if (Arrays.equals(name, nameBytes)) {
                return true;
            }
        }
        return false;
    }

    /** The flag's value, normalised: {@code *}, names joined by commas, or empty. */
    @Override
    public String toString() {
        if (all) {
            return "*";
        }
        List<String> text = new ArrayList<>();
        for (byte[] name : names) {
            text.add(new String(name, StandardCharsets.UTF_8));
        }
        return String.join(",", text);
    }
}

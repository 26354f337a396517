package dev.memlogd.core.wire;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Our extended query ({@link LinuxKit#MODE_QUERY}): after the mode byte the client sends one
 * JSON object and {@code '\n'}, at most 64 KiB, for example
 * {@code {"follow":true,"after":41,"sources":["sshd","sshd.out"]}}.
 *
 * <p>JSON fields, all optional: {@code dump} (default true), {@code follow} (default false),
 * {@code after} (default: not given), {@code tail} (default: all), {@code sources} (default:
 * all), {@code identity} (default false), {@code daemon} (default: not given; only with
 * {@code after}), {@code level} (default: every entry). Unknown fields are refused: this is our own extension, so a typo should fail
 * loudly rather than silently send everything.
 *
 * <p>Immutable, so thread-safe.
 *
 * @param dump    send the entries held
 * @param follow  then keep sending new entries
 * @param after   only entries with a seq greater than this; -1 when not given
 * @param tail    of the dump, only the last {@code tail} matching entries; -1 for all
 * @param sources only these source names; empty for all
 * @param identity start the stream with a notice giving the daemon's identity
 * @param daemon  the identity of the daemon that gave out {@code after}; null when not given
 * @param level   only entries with a syslog priority whose level ({@code pri & 7}) is at most
 *                this, 0 (emerg) to 7 (debug): that severity or a more severe one, as
 *                journalctl's {@code -p}; entries without a priority are left out. -1 for every
 *                entry
 * @param stats   instead of entries, the daemon's statistics; no other field goes with it
 */
public record QueryRequest(boolean dump, boolean follow, long after, int tail, List<String> sources,
        boolean identity, String daemon, int level, boolean stats) {
    private static final String FIELDS = "dump, follow, after, tail, sources, identity, daemon, level, stats";

    /** The request for the daemon's statistics. */
    public static final QueryRequest STATS = new QueryRequest(false, false, -1, -1, List.of(), false, null, -1, true);
    /** Longest daemon identity a request may name. */
    public static final int MAX_DAEMON_LENGTH = 128;

    /**
     * @throws IllegalArgumentException when both dump and follow are false, {@code after} or
     *         {@code tail} is below -1, {@code sources} is null or holds a null,
     *         {@code daemon} is given without {@code after} or is empty or too long, or
     *         {@code level} is not in [-1, 7]
     */
    public QueryRequest {
        if (stats && (dump || follow || after != -1 || tail != -1 || !sources.isEmpty() || identity || daemon != null
                || level != -1)) {
            throw new IllegalArgumentException("stats goes alone: it asks for statistics, not entries");
        }
        if (!dump && !follow && !stats) {
            throw new IllegalArgumentException("a query with dump and follow both false would send nothing");
        }
        if (after < -1) {
            throw new IllegalArgumentException("after must be a seq (>= 0), or -1 for none: " + after);
        }
        if (tail < -1) {
            throw new IllegalArgumentException("tail must be a count (>= 0), or -1 for all: " + tail);
        }
        // List.of(...).contains(null) throws, so look for null by hand.
        if (sources == null || sources.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("sources must be a list of names: " + sources);
        }
        sources = List.copyOf(sources);
        if (daemon != null && (after < 0 || daemon.isEmpty() || daemon.length() > MAX_DAEMON_LENGTH)) {
            throw new IllegalArgumentException("daemon names the daemon that gave out \"after\": it goes with after,"
                    + " 1 to " + MAX_DAEMON_LENGTH + " characters");
        }
        if (level < -1 || level > SyslogPriority.DEBUG) {
            throw new IllegalArgumentException("level must be 0 (emerg) to 7 (debug), or -1 for every entry: "
                    + level);
        }
    }

    /** A request for entries (not statistics). */
    public QueryRequest(boolean dump, boolean follow, long after, int tail, List<String> sources,
            boolean identity, String daemon, int level) {
        this(dump, follow, after, tail, sources, identity, daemon, level, false);
    }

    /** A request without identity fields or level. */
    public QueryRequest(boolean dump, boolean follow, long after, int tail, List<String> sources) {
        this(dump, follow, after, tail, sources, false, null, -1);
    }

    /** A request without level. */
    public QueryRequest(boolean dump, boolean follow, long after, int tail, List<String> sources,
            boolean identity, String daemon) {
        this(dump, follow, after, tail, sources, identity, daemon, -1);
    }

    /**
     * Compact JSON, fields in the order dump, follow, after, tail, sources, identity, daemon,
     * level, defaults left out; {@code {"stats":true}} for {@link #STATS}.
     */
    public String toJson() {
        if (stats) {
            return "{\"stats\":true}";
        }
        StringBuilder sb = new StringBuilder("{");
        if (!dump) {
            field(sb, "dump").append("false");
        }
        if (follow) {
            field(sb, "follow").append("true");
        }
        if (after >= 0) {
            field(sb, "after").append(after);
        }
        if (tail >= 0) {
            field(sb, "tail").append(tail);
        }
        if (!sources.isEmpty()) {
            field(sb, "sources").append('[');
            for (int i = 0; i < sources.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                quote(sb, sources.get(i));
            }
            sb.append(']');
        }
        if (identity) {
            field(sb, "identity").append("true");
        }
        if (daemon != null) {
            quote(field(sb, "daemon"), daemon);
        }
        if (level >= 0) {
            field(sb, "level").append(level);
        }
        return sb.append('}').toString();
    }

    /**
     * Parses the request line (without its newline).
     *
     * @throws IllegalArgumentException saying what is wrong: malformed JSON, a field of the wrong
     *         type, a duplicate or unknown field, a negative {@code after} or {@code tail}, a
     *         {@code level} outside 0-7, or dump and follow both false
     */
    public static QueryRequest parse(String json) {
        JsonReader r = new JsonReader(json);
        boolean dump = true;
        boolean follow = false;
        long after = -1;
        int tail = -1;
        List<String> sources = List.of();
        boolean identity = false;
        String daemon = null;
        int level = -1;
        boolean stats = false;
        Set<String> seen = new HashSet<>();
        for (String name = r.beginObject(); name != null; name = r.nextField()) {
            if (!seen.add(name)) {
                throw r.fail("duplicate field \"" + name + "\"");
            }
            switch (name) {
                case "dump" -> dump = bool(r, name);
                case "follow" -> follow = bool(r, name);
                case "after" -> after = count(r, name, Long.MAX_VALUE);
                case "tail" -> tail = (int) count(r, name, Integer.MAX_VALUE);
                case "sources" -> sources = names(r);
                case "identity" -> identity = bool(r, name);
                case "daemon" -> daemon = string(r, name);
                case "level" -> level = (int) count(r, name, SyslogPriority.DEBUG);
                case "stats" -> stats = bool(r, name);
                default -> throw r.fail("unknown field \"" + name + "\" (known: " + FIELDS + ")");
            }
        }
        r.expectEnd();
        if (stats) {
            if (seen.size() > 1) {
                throw new IllegalArgumentException("\"stats\" goes alone: it asks for statistics, not entries");
            }
            return STATS;
        }
        if (!dump && !follow) {
            throw new IllegalArgumentException("\"dump\":false without \"follow\":true would send nothing");
        }
        if (daemon != null && after < 0) {
            throw new IllegalArgumentException("\"daemon\" names the daemon that gave out \"after\": give both");
        }
        if (daemon != null && (daemon.isEmpty() || daemon.length() > MAX_DAEMON_LENGTH)) {
            throw new IllegalArgumentException("\"daemon\" must be 1 to " + MAX_DAEMON_LENGTH + " characters");
        }
        return new QueryRequest(dump, follow, after, tail, sources, identity, daemon, level);
    }

    private static boolean bool(JsonReader r, String name) {
        char c = r.peek();
        if (c != 't' && c != 'f') {
            throw r.fail("\"" + name + "\" must be true or false");
        }
        return r.readBoolean();
    }

    private static long count(JsonReader r, String name, long max) {
        char c = r.peek();
        if (c != '-' && (c < '0' || c > '9')) {
            throw r.fail("\"" + name + "\" must be a non-negative integer");
        }
        long v = r.readLong();
        if (v < 0 || v > max) {
            throw r.fail("\"" + name + "\" must be an integer from 0 to " + max + ", not " + v);
        }
        return v;
    }

    private static String string(JsonReader r, String name) {
        if (r.peek() != '"') {
            throw r.fail("\"" + name + "\" must be a string");
        }
        return r.readString();
    }

    private static List<String> names(JsonReader r) {
        if (r.peek() != '[') {
            throw r.fail("\"sources\" must be an array of strings");
        }
        List<String> names = new ArrayList<>();
        if (r.beginArray()) {
            do {
                if (r.peek() != '"') {
                    throw r.fail("\"sources\" must hold only strings");
                }
                names.add(r.readString());
            } while (r.nextElement());
        }
        return names;
    }

    private static StringBuilder field(StringBuilder sb, String name) {
        if (sb.length() > 1) {
            sb.append(',');
        }
        return sb.append('"').append(name).append("\":");
    }

    /** A JSON string literal; non-ASCII is kept as is (the line is sent as UTF-8). */
    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c) && !isPaired(s, i)) {
                // Control characters must be escaped; a lone surrogate has no UTF-8 form, so
                // it is sent escaped (the reader turns it into U+FFFD, as Go does).
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }

    private static boolean isPaired(String s, int i) {
        char c = s.charAt(i);
        return Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}

package dev.memlogd.core.wire;

import dev.memlogd.core.ring.RecordDescriptor;

/**
 * Reads the query socket's JSON lines, from our daemon ({@link EntryJsonEncoder}) or LinuxKit's
 * (which sends only {@code time}, {@code source} and {@code msg}).
 *
 * <p>Like Go's {@code encoding/json}: unknown fields of any type are ignored, a repeated field
 * keeps its last value, {@code null} leaves a field unset. Unlike Go, field names must match
 * exactly (Go also accepts other letter cases; no daemon sends those).
 *
 * <p>Stateless and thread-safe.
 */
public final class EntryJsonParser {
    private EntryJsonParser() {
    }

    /**
     * Parses one line (with or without surrounding whitespace or its newline).
     *
     * @throws IllegalArgumentException with the position and up to about 100 characters of the
     *         line, when it is not one JSON object, a known field has the wrong type, the time is
     *         not RFC 3339, {@code pri} is not from 0 to 191, or time, source or msg is missing
     */
    public static LogEntry parse(String line) {
        JsonReader r = new JsonReader(line);
        String time = null;
        String source = null;
        String msg = null;
        long seq = -1;
        boolean truncated = false;
        long lost = -1;
        String daemon = null;
        int pri = -1;
        boolean suppressed = false;
        for (String name = r.beginObject(); name != null; name = r.nextField()) {
            if (r.readNull()) {
                continue; // Go leaves the field as it was
            }
            switch (name) {
                case "time" -> {
                    int at = r.position();
                    time = r.readString();
                    try {
                        GoTime.normalize(time); // Go's client would refuse the entry too
                    } catch (IllegalArgumentException e) {
                        throw r.failAt(at, "bad \"time\": " + e.getMessage());
                    }
                }
                case "source" -> source = r.readString();
                case "msg" -> msg = r.readString();
                case "seq" -> seq = r.readLong();
                case "truncated" -> truncated = r.readBoolean();
                case "lost" -> lost = r.readLong();
                case "daemon" -> daemon = r.readString();
                case "pri" -> pri = readPri(r);
                case "suppressed" -> suppressed = r.readBoolean();
                default -> r.skipValue();
            }
        }
        r.expectEnd();
        String missing = time == null ? "time" : source == null ? "source" : msg == null ? "msg" : null;
        if (missing != null) {
            throw r.fail("missing field \"" + missing + "\"");
        }
        return new LogEntry(time, source, msg, seq, truncated, lost, daemon, pri, suppressed);
    }

    private static int readPri(JsonReader r) {
        int at = r.position();
        long pri = r.readLong();
        if (pri < 0 || pri > RecordDescriptor.MAX_PRI) {
            throw r.failAt(at, "\"pri\" must be from 0 to " + RecordDescriptor.MAX_PRI + ": " + pri);
        }
        return (int) pri;
    }
}

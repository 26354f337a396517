package dev.memlogd.logread;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.memlogd.core.wire.JsonTree;

/**
 * {@code logread --stats}: the daemon's statistics answer as a table to read on a terminal, as
 * {@code logcat --statistics} and {@code journalctl --header} print theirs: a few summary
 * lines, then one row per source and per reader. Given a width (a terminal's), the source
 * column is cut to fit; unbounded (a pipe), nothing is cut. Stateless.
 */
final class StatsTable {
    private static final String[] SOURCE_HEADER = {"SOURCE", "FD", "STATE", "LINES", "BYTES", "CUT", "SUPPR", "HELD",
        "EVICTED"};

    private StatsTable() {
    }

    /**
     * @param json  the daemon's answer
     * @param width columns to fit in, or 0 for no limit
     * @throws IllegalArgumentException when {@code json} is not a statistics answer
     */
    @SuppressWarnings("unchecked")
    static String render(String json, int width) {
        Object tree = JsonTree.parse(json);
        if (!(tree instanceof Map) || !((Map<?, ?>) tree).containsKey("stats")) {
            throw new IllegalArgumentException("not a statistics answer");
        }
        Map<String, Object> s = (Map<String, Object>) tree;
        Map<String, Object> ring = (Map<String, Object>) s.get("ring");
        Map<String, Object> memory = (Map<String, Object>) s.get("memory");
        Map<String, Object> totals = (Map<String, Object>) s.get("totals");
        List<Map<String, Object>> sources = (List<Map<String, Object>>) s.get("sources");
        List<Map<String, Object>> readers = (List<Map<String, Object>>) s.get("readers");
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "memlogd %s, identity %s, up %s (since %s)%n", s.get("version"),
                s.get("daemon"), duration(((Number) s.get("uptime_seconds")).doubleValue()), s.get("started")));
        out.append(String.format(Locale.ROOT, "ring     %s of %s entries, %s of %s; %s evicted since start%n",
                count(ring.get("entries")), count(memory.get("ring_max_lines")), size(memory.get("ring_bytes_used")),
                size(memory.get("ring_capacity_bytes")), count(ring.get("evicted"))));
        out.append(String.format(Locale.ROOT, "sources  %s open, %s closed (%s more forgotten); %s lines, %s,"
                + " %s cut, %s suppressed%n", count(totals.get("sources_open")), count(totals.get("sources_closed")),
                count(totals.get("sources_forgotten")), count(totals.get("lines")), size(totals.get("bytes")),
                count(totals.get("truncated")), count(totals.get("suppressed"))));
        out.append(String.format(Locale.ROOT, "readers  %d now; %s entries lost by lapped readers since start%n",
                readers.size(), count(totals.get("lost_by_lapped_readers"))));
        out.append(String.format(Locale.ROOT, "heap     %s used of %s%n%n", size(memory.get("heap_used_bytes")),
                size(memory.get("heap_max_bytes"))));
        List<String[]> rows = new ArrayList<>();
        rows.add(SOURCE_HEADER);
        for (Map<String, Object> src : sources) {
            rows.add(new String[] {(String) src.get("name"), (String) src.get("kind"),
                state(src), count(src.get("lines")),
                size(src.get("bytes")), count(src.get("truncated")), count(src.get("suppressed")),
                count(src.get("in_ring")), count(src.get("evicted"))});
        }
        table(out, rows, width);
        if (!readers.isEmpty()) {
            out.append('\n');
            List<String[]> readerRows = new ArrayList<>();
            readerRows.add(new String[] {"READER", "FOLLOWS", "HOLDS", "NEXT SEQ", "SENT", "LOST"});
            for (Map<String, Object> r : readers) {
                readerRows.add(new String[] {(String) r.get("reader"), yes(r.get("follows")), yes(r.get("holds_ingest")),
                    String.valueOf(r.get("next_seq")), count(r.get("sent")), count(r.get("lost"))});
            }
            table(out, readerRows, width);
        }
        return out.toString();
    }

    /** Columns left-aligned for the first, right-aligned for the rest; the first cut to fit {@code width}. */
    private static void table(StringBuilder out, List<String[]> rows, int width) {
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        if (width > 0) {
            int others = 0;
            for (int c = 1; c < columns; c++) {
                others += widths[c] + 2;
            }
            widths[0] = Math.max(8, Math.min(widths[0], width - others));
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            line.append(pad(cut(row[0], widths[0]), widths[0], false));
            for (int c = 1; c < columns; c++) {
                line.append("  ").append(pad(row[c], widths[c], true));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
    }

    private static String cut(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 1) + "…";
    }

    private static String pad(String s, int width, boolean right) {
        String spaces = " ".repeat(Math.max(0, width - s.length()));
        return right ? spaces + s : s + spaces;
    }

    /** open, closed, or - for names with no fd (the daemon's own entries). */
    private static String state(Map<String, Object> source) {
        return ((Number) source.get("connections")).longValue() == 0 ? "-"
                : ((Number) source.get("open")).longValue() > 0 ? "open" : "closed";
    }

    private static String yes(Object b) {
        return Boolean.TRUE.equals(b) ? "yes" : "no";
    }

    static String count(Object n) {
        return n == null ? "-" : String.format(Locale.ROOT, "%,d", ((Number) n).longValue());
    }

    static String size(Object n) {
        if (n == null) {
            return "-";
        }
        long bytes = ((Number) n).longValue();
        if (bytes < 1024) {
            return bytes + " B";
        }
        return bytes < 1 << 20 ? String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0)
                : String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }

    private static String duration(double seconds) {
        long s = (long) seconds;
        return s < 60 ? s + " s" : s < 3600 ? (s / 60) + " min " + (s % 60) + " s"
                : (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }
}

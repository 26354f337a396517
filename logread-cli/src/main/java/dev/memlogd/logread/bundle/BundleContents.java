package dev.memlogd.logread.bundle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.memlogd.core.logdir.LogFileNames;
import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.core.wire.LogwriteFormat;

/**
 * What goes into a bundle, gathered as lines stream past: each line appended to its source's
 * spooled file (logwrite's line format), and counted in its source's {@link SourceStats}, the
 * {@link Timeline}, the {@link Highlights} and the gaps. Memory grows with the number of
 * sources, never with the number of lines. Not thread-safe.
 */
final class BundleContents {
    /** Directory of the source files inside the bundle. */
    static final String SOURCES_DIR = "sources";
    /** Gaps kept for the summary; more are counted. */
    static final int MAX_GAPS = 1000;
    /** Highlights kept for the page. */
    static final int MAX_HIGHLIGHTS = 200;

    /** kmsg-reader's line for kernel records it could not read in time. */
    private static final Pattern KMSG_GAP = Pattern.compile("\\b\\d+ records? lost \\(seq \\d+");
    private static final String LOGWRITE_MARKER_SOURCE = "logwrite";

    /** A hole in some source's lines that the line itself reports. */
    record Gap(String source, String file, String time, String reportedBy, String msg) {
    }

    private final SourceSpool spool;
    private final Map<String, SourceStats> sources = new LinkedHashMap<>();
    final Timeline timeline = new Timeline();
    final Highlights highlights = new Highlights(MAX_HIGHLIGHTS);
    final List<Gap> gaps = new ArrayList<>();
    long gapCount;
    long entries;
    long skippedAsPersisted;

    BundleContents(SourceSpool spool) {
        this.spool = spool;
    }

    /** The stats of the source stored as {@code key} (its log file name without {@code .log}), made on first use. */
    SourceStats source(String key, String name) {
        SourceStats s = sources.get(key);
        if (s == null) {
            s = new SourceStats(name, SOURCES_DIR + "/" + key + ".log", timeline.newRow());
            sources.put(key, s);
        }
        return s;
    }

    Collection<SourceStats> sources() {
        return sources.values();
    }

    /**
     * A line of logwrite's files, {@code <time> <source> <msg>}, newline included in
     * {@code line[0, length)}; copied as it is.
     */
    void historyLine(SourceStats source, byte[] line, int length) throws IOException {
        spool.append(keyOf(source), line, 0, length);
        entries++;
        source.historyLines++;
        source.bytes += length;
        String text = new String(line, 0, length, StandardCharsets.UTF_8);
        int space = text.indexOf(' ');
        if (space <= 0) {
            return; // a message's second line (logwrite writes a newline inside a message as it is)
        }
        String time = text.substring(0, space);
        long second = epochSecond(time);
        if (second == Long.MIN_VALUE) {
            return; // the same
        }
        source.time(time);
        timeline.count(source.timeline, second);
        String rest = text.substring(space + 1, text.length() - (text.endsWith("\n") ? 1 : 0));
        if (rest.startsWith(LOGWRITE_MARKER_SOURCE + " ")) {
            gap(source, time, "logwrite", rest.substring(LOGWRITE_MARKER_SOURCE.length() + 1));
            return;
        }
        String msg = rest.startsWith(source.name + " ") ? rest.substring(source.name.length() + 1) : rest;
        notable(source, -1, time, msg);
    }

    /** An entry of the ring's dump. */
    void ringEntry(LogEntry entry) throws IOException {
        String key = LogFileNames.of(entry.source());
        SourceStats source = source(key, entry.source());
        source.name = entry.source();
        byte[] line = LogwriteFormat.line(entry).getBytes(StandardCharsets.UTF_8);
        spool.append(key + ".log", line);
        entries++;
        source.ringLines++;
        source.bytes += line.length;
        source.seq(entry.seq());
        if (entry.truncated()) {
            source.truncated++;
        }
        source.time(entry.time());
        long second = epochSecond(entry.time());
        if (second != Long.MIN_VALUE) {
            timeline.count(source.timeline, second);
        }
        if (entry.lost() > 0) {
            gap(source, entry.time(), "memlogd", entry.msg());
        } else if (KMSG_GAP.matcher(entry.msg()).find()) {
            gap(source, entry.time(), "kmsg-reader", entry.msg());
        }
        if (entry.pri() >= 0) {
            source.levels[entry.pri() & 7]++;
        }
        notable(source, entry.pri(), entry.time(), entry.msg());
    }

    private void notable(SourceStats source, int pri, String time, String msg) {
        int level = Severity.of(pri, msg);
        if (pri < 0 && Severity.notable(level)) {
            source.levels[level]++; // a failure word: counted as an error, as the page shows it
        }
        highlights.offer(pri, time, source.name, source.file, msg);
    }

    private void gap(SourceStats source, String time, String reportedBy, String msg) {
        gapCount++;
        if (gaps.size() < MAX_GAPS) {
            gaps.add(new Gap(source.name, source.file, time, reportedBy, msg));
        }
    }

    /** The spool's file name of a source: its bundle file's name. */
    static String keyOf(SourceStats source) {
        return source.file.substring(SOURCES_DIR.length() + 1);
    }

    long spooledBytes() {
        return spool.bytes();
    }

    /** Seconds since the epoch of an RFC 3339 time; {@link Long#MIN_VALUE} if it is not one. */
    static long epochSecond(String rfc3339) {
        try {
            return OffsetDateTime.parse(rfc3339).toEpochSecond();
        } catch (DateTimeParseException e) {
            return Long.MIN_VALUE;
        }
    }
}

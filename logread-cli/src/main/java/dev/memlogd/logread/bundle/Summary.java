package dev.memlogd.logread.bundle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.memlogd.core.wire.JsonWriter;
import dev.memlogd.core.wire.SyslogPriority;

/**
 * The bundle's {@code summary.json}, which {@code index.html} also embeds and draws: one
 * document, so that the page never says what the summary does not. Fields are listed in
 * docs/diagnostics.md.
 */
final class Summary {
    /** Bumped when a field changes meaning or goes away; new fields do not bump it. */
    static final int FORMAT = 1;

    /** What the bundle knows of the daemon it dumped. */
    record DaemonInfo(String socket, String identity, String statisticsJson) {
    }

    /** What the bundle took from logwrite's directory; null fields when none was given. */
    record LogDirInfo(String path, String checkpointDaemon, long checkpointSeq, long historyLines) {
    }

    private Summary() {
    }

    static void write(JsonWriter json, Instant created, String version, HostFacts host, DaemonInfo daemon,
            LogDirInfo logDir, BundleContents contents, List<String> notes) {
        json.beginObject();
        json.member("format", FORMAT).member("created", created.toString()).member("logread_version", version);
        json.name("host").beginObject().member("hostname", host.hostname()).member("kernel", host.kernel())
                .member("boot_id", host.bootId()).name("uptime_seconds");
        if (host.uptimeSeconds() == null) {
            json.nullValue();
        } else {
            json.value(host.uptimeSeconds());
        }
        json.endObject();
        json.name("daemon").beginObject().member("socket", daemon.socket())
                .member("kind", daemon.identity() != null ? "memlogd" : "linuxkit-compatible")
                .member("identity", daemon.identity());
        json.name("statistics");
        if (daemon.statisticsJson() == null) {
            json.nullValue();
        } else {
            json.raw(daemon.statisticsJson());
        }
        json.endObject();
        json.name("log_dir");
        if (logDir == null) {
            json.nullValue();
        } else {
            json.beginObject().member("path", logDir.path()).member("checkpoint_daemon", logDir.checkpointDaemon())
                    .member("checkpoint_seq", logDir.checkpointSeq()).member("history_lines", logDir.historyLines())
                    .endObject();
        }
        totals(json, contents);
        timeline(json, contents.timeline);
        sources(json, contents);
        highlights(json, contents.highlights);
        gaps(json, contents);
        json.name("notes").beginArray();
        for (String note : notes) {
            json.value(note);
        }
        json.endArray();
        json.endObject();
    }

    private static void totals(JsonWriter json, BundleContents contents) {
        long history = 0;
        long ring = 0;
        long bytes = 0;
        long truncated = 0;
        long[] levels = new long[8];
        for (SourceStats s : contents.sources()) {
            history += s.historyLines;
            ring += s.ringLines;
            bytes += s.bytes;
            truncated += s.truncated;
            for (int i = 0; i < 8; i++) {
                levels[i] += s.levels[i];
            }
        }
        json.name("totals").beginObject().member("sources", contents.sources().size())
                .member("lines", history + ring).member("history_lines", history).member("ring_lines", ring)
                .member("ring_lines_already_in_history", contents.skippedAsPersisted)
                .member("bytes", bytes).member("truncated", truncated);
        levels(json, levels);
        json.member("gaps", contents.gapCount).endObject();
    }

    private static void levels(JsonWriter json, long[] levels) {
        json.name("levels").beginObject();
        for (int i = 0; i < levels.length; i++) {
            if (levels[i] != 0) {
                json.member(SyslogPriority.LEVEL_NAMES.get(i), levels[i]);
            }
        }
        json.endObject();
    }

    private static void timeline(JsonWriter json, Timeline timeline) {
        json.name("timeline").beginObject().member("origin", Instant.ofEpochSecond(timeline.origin()).toString())
                .member("origin_epoch", timeline.origin()).member("bucket_seconds", timeline.width())
                .member("buckets", timeline.usedBuckets()).endObject();
    }

    private static void sources(JsonWriter json, BundleContents contents) {
        int used = contents.timeline.usedBuckets();
        List<SourceStats> sorted = new ArrayList<>(contents.sources());
        sorted.sort(Comparator.comparing(s -> s.name));
        json.name("sources").beginArray();
        for (SourceStats s : sorted) {
            json.beginObject().member("name", s.name).member("file", s.file).member("lines", s.lines())
                    .member("history_lines", s.historyLines).member("ring_lines", s.ringLines)
                    .member("bytes", s.bytes).member("first", s.firstTime).member("last", s.lastTime)
                    .member("first_seq", s.firstSeq).member("last_seq", s.lastSeq).member("truncated", s.truncated);
            levels(json, s.levels);
            json.name("per_bucket").beginArray();
            for (int i = 0; i < used; i++) {
                json.value(s.timeline[i]);
            }
            json.endArray().endObject();
        }
        json.endArray();
    }

    private static void highlights(JsonWriter json, Highlights highlights) {
        json.name("highlights").beginArray();
        for (Highlights.Line line : highlights.lines()) {
            json.beginObject().member("level", SyslogPriority.LEVEL_NAMES.get(line.level()))
                    .member("why", line.levelKnown() ? "level" : "failure word")
                    .member("time", line.time()).member("source", line.source()).member("file", line.file())
                    .member("msg", line.msg()).endObject();
        }
        json.endArray();
    }

    private static void gaps(JsonWriter json, BundleContents contents) {
        json.name("gaps").beginArray();
        for (BundleContents.Gap gap : contents.gaps) {
            json.beginObject().member("source", gap.source()).member("file", gap.file()).member("time", gap.time())
                    .member("reported_by", gap.reportedBy()).member("msg", gap.msg()).endObject();
        }
        json.endArray();
    }
}

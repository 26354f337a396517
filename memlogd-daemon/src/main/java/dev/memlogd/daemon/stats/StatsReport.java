package dev.memlogd.daemon.stats;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import dev.memlogd.core.ring.LogRing;
import dev.memlogd.core.ring.RecordDescriptor;
import dev.memlogd.core.wire.GoTime;
import dev.memlogd.core.wire.JsonWriter;
import dev.memlogd.daemon.follow.Followers;
import dev.memlogd.daemon.ingest.Source;
import dev.memlogd.daemon.ingest.SourceLedger;
import dev.memlogd.daemon.loop.Clock;

/**
 * The answer to a statistics request ({@code {"stats":true}}, docs/protocol.md): one JSON
 * object on one line, built when asked from counters that ingest and the followers keep
 * anyway (nothing is allocated per line to keep them). Entries still in the ring are counted
 * per source name by one pass over the ring, at request time. Fields are listed in
 * docs/diagnostics.md. Event loop thread only.
 */
public final class StatsReport {
    /** Bumped when a field changes meaning or goes away; new fields do not bump it. */
    public static final int FORMAT = 1;

    private final String identity;
    private final String version;
    private final long startedNanos;
    private final Consumer<JsonWriter> options;
    private final LogRing ring;
    private final SourceLedger ledger;
    private final Followers followers;
    private final Clock clock;

    /**
     * @param options writes the daemon's effective options as one JSON object's members
     */
    public StatsReport(String identity, String version, Consumer<JsonWriter> options, LogRing ring,
            SourceLedger ledger, Followers followers, Clock clock) {
        this.identity = identity;
        this.version = version;
        this.options = options;
        this.ring = ring;
        this.ledger = ledger;
        this.followers = followers;
        this.clock = clock;
        this.startedNanos = clock.nowNanos();
    }

    /** Per source name: what every source of that name added up to. */
    private static final class ByName {
        long connections;
        long open;
        String kind;
        long firstAdded;
        long lastClosed;
        long lines;
        long bytes;
        long truncated;
        long suppressed;
        long inRing;
    }

    /** The answer: the JSON object and a newline, as UTF-8. */
    public byte[] toJsonLine() {
        long now = clock.nowNanos();
        Map<String, ByName> names = new TreeMap<>();
        long[] totals = new long[6]; // open, closed, lines, bytes, truncated, suppressed
        ledger.forEach(source -> add(names, source, totals));
        countInRing(names);
        StringBuilder sb = new StringBuilder(4096 + names.size() * 256);
        JsonWriter json = new JsonWriter(sb);
        json.beginObject().member("stats", FORMAT);
        json.member("daemon", identity).member("version", version)
                .member("started", GoTime.formatRfc3339Nano(startedNanos))
                .member("now", GoTime.formatRfc3339Nano(now))
                .name("uptime_seconds").value((now - startedNanos) / 1e9);
        json.name("options").beginObject();
        options.accept(json);
        json.endObject();
        Runtime runtime = Runtime.getRuntime();
        json.name("memory").beginObject().member("ring_capacity_bytes", ring.capacity())
                .member("ring_bytes_used", ring.bytesUsed()).member("ring_max_lines", ring.maxLines())
                .member("heap_used_bytes", runtime.totalMemory() - runtime.freeMemory())
                .member("heap_max_bytes", runtime.maxMemory()).endObject();
        json.name("ring").beginObject().member("entries", ring.size()).member("oldest_seq", ring.oldestSeq())
                .member("next_seq", ring.nextSeq()).member("evicted", ring.evictedCount()).endObject();
        json.name("totals").beginObject().member("sources_open", totals[0]).member("sources_closed", totals[1])
                .member("sources_forgotten", ledger.forgotten()).member("lines", totals[2])
                .member("bytes", totals[3]).member("truncated", totals[4]).member("suppressed", totals[5])
                .member("lost_by_lapped_readers", followers.lostByLappedReaders()).endObject();
        json.name("sources").beginArray();
        names.forEach((name, n) -> {
            json.beginObject().member("name", name).member("kind", n.kind).member("connections", n.connections)
                    .member("open", n.open);
            json.member("first_added", n.firstAdded == 0 ? null : GoTime.formatRfc3339Nano(n.firstAdded));
            json.member("last_closed", n.open > 0 || n.lastClosed == 0 ? null : GoTime.formatRfc3339Nano(n.lastClosed));
            json.member("lines", n.lines).member("bytes", n.bytes).member("truncated", n.truncated)
                    .member("suppressed", n.suppressed).member("in_ring", n.inRing)
                    .member("evicted", Math.max(0, n.lines - n.inRing)).endObject();
        });
        json.endArray();
        json.name("readers").beginArray();
        followers.forEach(f -> json.beginObject().member("reader", f.toString()).member("follows", f.follows())
                .member("holds_ingest", f.holdsIngest()).member("next_seq", f.nextSeq())
                .member("sent", f.sent()).member("lost", f.lost()).endObject());
        json.endArray();
        json.endObject();
        sb.append('\n');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void add(Map<String, ByName> names, Source source, long[] totals) {
        ByName n = names.computeIfAbsent(source.name(), k -> new ByName());
        n.connections++;
        if (source.isOpen()) {
            n.open++;
            totals[0]++;
        } else {
            totals[1]++;
            n.lastClosed = Math.max(n.lastClosed, source.closedNanos());
        }
        n.kind = source.kind();
        n.firstAdded = n.firstAdded == 0 ? source.addedNanos() : Math.min(n.firstAdded, source.addedNanos());
        n.lines += source.lines();
        n.bytes += source.bytes();
        n.truncated += source.truncatedLines();
        n.suppressed += source.suppressedLines();
        totals[2] += source.lines();
        totals[3] += source.bytes();
        totals[4] += source.truncatedLines();
        totals[5] += source.suppressedLines();
    }

    /** One pass over the ring: entries held per source name (the daemon's own too). */
    private void countInRing(Map<String, ByName> names) {
        ByteBuffer records = ring.buffer();
        Map<String, ByName> byRawName = new LinkedHashMap<>();
        byte[] name = new byte[256];
        for (long seq = ring.oldestSeq(); seq < ring.nextSeq(); seq++) {
            int offset = ring.recordOffset(seq);
            int length = records.getInt(RecordDescriptor.sourceLengthOffset(offset));
            if (name.length < length) {
                name = new byte[length];
            }
            records.get(RecordDescriptor.sourceOffset(offset), name, 0, length);
            String key = new String(name, 0, length, StandardCharsets.UTF_8);
            ByName n = byRawName.computeIfAbsent(key, k -> names.computeIfAbsent(k, x -> {
                ByName own = new ByName();
                own.kind = "memlogd"; // entries with no source fd: the daemon's own
                return own;
            }));
            n.inRing++;
        }
    }
}

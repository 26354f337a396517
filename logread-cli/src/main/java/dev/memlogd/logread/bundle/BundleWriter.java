package dev.memlogd.logread.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.memlogd.core.cli.VersionProvider;
import dev.memlogd.core.client.ExtendedQuery;
import dev.memlogd.core.logdir.Checkpoint;
import dev.memlogd.core.logdir.LogFileNames;
import dev.memlogd.core.wire.JsonWriter;
import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.core.wire.QueryRequest;

/**
 * {@code logread --bundle}: one {@code .tar.gz} a support engineer opens first, written while
 * the dump is read. It holds, under {@code memlogd-bundle-<host>-<time>/}, {@code index.html}
 * (the page), {@code summary.json} ({@link Summary}) and one file per source in logwrite's
 * line format: with a log directory, logwrite's persisted history first and the ring after it,
 * no entry twice ({@link LogDirHistory}). Memory grows with the number of sources, not lines:
 * the lines go to a spool directory ({@link SourceSpool}) deleted at the end. One use, one
 * thread.
 */
public final class BundleWriter {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    /** A line of logwrite's files longer than this is counted in pieces (its bytes are all copied). */
    private static final int MAX_LINE_BYTES = 1 << 20;

    private final Path socket;
    private final Path logDir;
    private final long probeMillis;
    private final Progress progress;
    private final List<String> notes = new ArrayList<>();

    /**
     * @param logDir      logwrite's directory to take history from, or null
     * @param probeMillis how long to wait for our daemon's answer before taking it for LinuxKit's
     */
    public BundleWriter(Path socket, Path logDir, long probeMillis, boolean showProgress) {
        this.socket = socket;
        this.logDir = logDir;
        this.probeMillis = probeMillis;
        this.progress = showProgress ? Progress.onTerminal() : Progress.none();
    }

    /**
     * Writes the bundle to {@code out} (closed at the end).
     *
     * @param spoolParent where the spool directory goes (the output file's directory, or a
     *                    temporary directory when writing to stdout)
     * @return the number of entries written
     */
    public long write(OutputStream out, Path spoolParent) throws IOException {
        Instant created = Instant.now();
        HostFacts host = HostFacts.read();
        try (SourceSpool spool = SourceSpool.in(spoolParent)) {
            BundleContents contents = new BundleContents(spool);
            Summary.LogDirInfo logDirInfo = logDir == null ? null : readHistory(contents);
            String identity;
            try (RingDump dump = RingDump.open(socket, probeMillis)) {
                identity = dump.daemon();
                if (identity == null) {
                    notes.add("memlogd at " + socket + " did not answer the extended query: taken for LinuxKit's,"
                            + " dumped with mode 0; no daemon statistics, no seq");
                }
                for (LogEntry entry = dump.next(); entry != null; entry = dump.next()) {
                    if (alreadyPersisted(entry, identity)) {
                        contents.skippedAsPersisted++;
                        continue;
                    }
                    contents.ringEntry(entry);
                    progress.reading(contents.entries, contents.spooledBytes());
                }
            }
            spool.flush();
            String statistics = identity == null ? null : statistics();
            String top = "memlogd-bundle-" + (host.hostname() == null ? "host" : LogFileNames.of(host.hostname()))
                    + "-" + STAMP.format(created);
            StringBuilder summary = new StringBuilder(64 << 10);
            Summary.write(new JsonWriter(summary), created, VersionProvider.version(), host,
                    new Summary.DaemonInfo(socket.toString(), identity, statistics), logDirInfo, contents, notes);
            summary.append('\n');
            try (BundleArchive archive = BundleArchive.gzip(out, top, created)) {
                archive.add("index.html", IndexPage.render(summary.toString()).getBytes(StandardCharsets.UTF_8));
                archive.add("summary.json", summary.toString().getBytes(StandardCharsets.UTF_8));
                archive.directory(BundleContents.SOURCES_DIR);
                int done = 0;
                long written = 0;
                for (SourceStats source : contents.sources()) {
                    Path file = spool.path(BundleContents.keyOf(source));
                    archive.add(source.file, file);
                    written += source.bytes;
                    progress.writing(++done, contents.sources().size(), written);
                }
            }
            return contents.entries;
        } finally {
            progress.done();
        }
    }

    /** The daemon's statistics answer (one JSON object), or null with a note when it gave none. */
    private String statistics() {
        try (ExtendedQuery.Answer answer = ExtendedQuery.send(socket, QueryRequest.STATS, probeMillis)) {
            if (answer != null && answer.firstLine() != null && answer.firstLine().startsWith("{\"stats\":")) {
                return answer.firstLine();
            }
            notes.add("memlogd sent no statistics" + (answer == null ? " within " + probeMillis + " ms"
                    : answer.firstLine() == null ? "" : ": " + abbreviate(answer.firstLine())));
        } catch (IOException | RuntimeException e) {
            notes.add("memlogd's statistics could not be read: " + e.getMessage());
        }
        return null;
    }

    private static String abbreviate(String line) {
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }

    /** Per source, the checkpoint its history was read with: the ring's entries up to its seq are in the files. */
    private final Map<String, Checkpoint> checkpoints = new java.util.HashMap<>();

    private boolean alreadyPersisted(LogEntry entry, String identity) {
        if (identity == null || entry.seq() < 0) {
            return false;
        }
        Checkpoint checkpoint = checkpoints.get(LogFileNames.of(entry.source()));
        return checkpoint != null && identity.equals(checkpoint.daemon()) && entry.seq() <= checkpoint.seq();
    }

    private Summary.LogDirInfo readHistory(BundleContents contents) throws IOException {
        LogDirHistory history = new LogDirHistory(logDir);
        long lines = 0;
        Checkpoint latest = Checkpoint.NONE;
        byte[] buffer = new byte[64 << 10];
        for (Map.Entry<String, List<Path>> files : history.files().entrySet()) {
            String key = files.getKey();
            try (LogDirHistory.Snapshot snapshot = history.snapshot(key, files.getValue())) {
                checkpoints.put(key, snapshot.checkpoint());
                if (snapshot.checkpoint().seq() >= latest.seq()) {
                    latest = snapshot.checkpoint();
                }
                if (snapshot.note() != null) {
                    notes.add(key + ": " + snapshot.note());
                }
                SourceStats source = contents.source(key, key);
                for (InputStream part : snapshot.parts()) {
                    lines += copyLines(part, contents, source, buffer);
                }
            }
        }
        return new Summary.LogDirInfo(logDir.toString(), latest.daemon(), latest.seq(), lines);
    }

    /** Copies {@code in}'s lines into the bundle, one {@link BundleContents#historyLine} each. */
    private long copyLines(InputStream in, BundleContents contents, SourceStats source, byte[] buffer)
            throws IOException {
        long lines = 0;
        byte[] line = new byte[4096];
        int length = 0;
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            for (int i = 0; i < n; i++) {
                if (length == line.length) {
                    if (length >= MAX_LINE_BYTES) {
                        contents.historyLine(source, line, length);
                        length = 0;
                    } else {
                        line = java.util.Arrays.copyOf(line, length * 2);
                    }
                }
                line[length++] = buffer[i];
                if (buffer[i] == '\n') {
                    contents.historyLine(source, line, length);
                    lines++;
                    length = 0;
                }
            }
            progress.reading(contents.entries, contents.spooledBytes());
        }
        if (length > 0) {
            // A file that does not end in a newline (cut by hand): end the line, so that the next
            // file's or the ring's first line does not run on from it.
            if (length == line.length) {
                line = java.util.Arrays.copyOf(line, length + 1);
            }
            line[length++] = '\n';
            contents.historyLine(source, line, length);
            lines++;
        }
        return lines;
    }
}

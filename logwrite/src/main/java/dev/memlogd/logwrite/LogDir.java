package dev.memlogd.logwrite;

import dev.memlogd.core.logdir.Checkpoint;
import dev.memlogd.core.logdir.LogFileNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.core.wire.LogwriteFormat;

/**
 * The log directory: one {@link SourceFile} per source, rotation, the {@link Checkpoint}, and
 * the markers. Entries are appended in batches; {@link #flush} writes each batch (one write per
 * file); {@link #checkpoint} makes everything written durable and then records it.
 *
 * <p>The rule that makes a restart exact: a file is written to only after a checkpoint lists
 * it (its inode and length). So at {@link #open} every file the checkpoint lists can be cut
 * back to its checkpointed length ({@link Recovery}), and the reader resumes after the
 * checkpointed {@code seq}. Files it does not list were never written by logwrite since, and
 * are left alone. Loop thread only.
 */
final class LogDir {
    private static final byte[] LOGWRITE = Markers.SOURCE.getBytes(StandardCharsets.UTF_8);
    /** Least time between two attempts at a checkpoint while they fail. */
    private static final long RETRY_NANOS = 1_000_000_000L;
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX")
            .withZone(ZoneOffset.UTC);

    private final Path dir;
    private final LogwriteOptions options;
    private final Log log;
    /** Open files by file name, in the order first seen. */
    private final Map<String, SourceFile> files = new LinkedHashMap<>();
    private final SourceNames names = new SourceNames();
    /** File names the checkpoint lists (with their state) that are not open in this run yet. */
    private final Map<String, Checkpoint.FileState> known = new LinkedHashMap<>();
    /** Lines not written (or dropped: the file could not be opened), by file name, for files not open now. */
    private final Map<String, Checkpoint.Unwritten> carriedUnwritten = new LinkedHashMap<>();
    /** Names whose lines were dropped in this run because their file could not be opened. */
    private final java.util.Set<String> unopenable = new java.util.HashSet<>();
    /** Files opened since the last checkpoint: not written to until a checkpoint lists them. */
    private final List<SourceFile> unlisted = new ArrayList<>();
    /** The checkpoint as last written (or read at start). */
    private Checkpoint last;
    private String daemon;
    private long seq;
    private boolean checkpointFailing;
    private long lastCheckpointAttempt;

    private LogDir(Path dir, LogwriteOptions options, Log log, Checkpoint checkpoint) {
        this.dir = dir;
        this.options = options;
        this.log = log;
        this.last = checkpoint;
        this.daemon = checkpoint.daemon();
        this.seq = checkpoint.seq();
        for (Checkpoint.FileState file : checkpoint.files()) {
            known.put(file.name(), file);
        }
        for (Checkpoint.Unwritten u : checkpoint.unwritten()) {
            carriedUnwritten.put(u.name(), u);
        }
    }

    /**
     * Recovers the directory from its checkpoint (see the class comment) and returns it.
     *
     * @throws IOException when the directory or its checkpoint cannot be read, or a file that
     *         must be cut back cannot be (then resuming would duplicate lines)
     */
    static LogDir open(Path dir, LogwriteOptions options, Log log) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("log directory " + dir + " does not exist");
        }
        Checkpoint checkpoint = Checkpoint.read(dir);
        Recovery.recover(dir, checkpoint, options, log);
        return new LogDir(dir, options, log, checkpoint);
    }


    /** The identity of the daemon the checkpointed seq belongs to, or null. */
    String daemon() {
        return daemon;
    }

    /** The last seq written (or skipped) from {@link #daemon()}, -1 for none. */
    long seq() {
        return seq;
    }

    /** From now on entries come from this daemon (null: one without identity). */
    void daemon(String identity, long lastSeq) {
        this.daemon = identity;
        this.seq = lastSeq;
    }

    /**
     * Appends one entry to its source's file, rotating as LinuxKit does; skips logwrite's own.
     * The checkpointed seq moves with the line: a checkpoint taken before the line is buffered
     * (a new file) has the seq before it, one taken after (a rotation) has its seq.
     */
    void append(LogEntry entry) throws IOException {
        if (entry.source().startsWith(Markers.SOURCE)) {
            advance(entry.seq()); // LinuxKit's rule: logwrite's own output would loop back through memlogd
            return;
        }
        String line;
        try {
            line = LogwriteFormat.line(entry);
        } catch (IllegalArgumentException e) {
            log.say("skipped an entry with a bad time: " + e.getMessage());
            advance(entry.seq());
            return;
        }
        write(LogFileNames.of(entry.source()), line.getBytes(StandardCharsets.UTF_8), entry.seq());
    }

    private void advance(long entrySeq) {
        if (entrySeq >= 0) {
            seq = entrySeq;
        }
    }

    /** Writes a marker line into every file logwrite writes or has written in this directory. */
    void marker(String msg) throws IOException {
        byte[] line = Markers.line(now(), msg);
        List<String> names = new ArrayList<>(files.keySet());
        for (String name : known.keySet()) {
            if (!files.containsKey(name)) {
                names.add(name);
            }
        }
        for (String name : names) {
            write(name, line, -1);
        }
    }

    /**
     * {@link #append(LogEntry)} from the bytes of memlogd's line, without a String or an object
     * per line: the same file, the same bytes.
     */
    void append(JsonEntryBytes entry) throws IOException {
        if (startsWith(entry.source, entry.sourceLength, LOGWRITE)) {
            advance(entry.seq);
            return;
        }
        SourceFile file = fileFor(names.fileName(entry.source, entry.sourceLength), entry.seq);
        if (file != null) {
            file.appendLine(entry.time, entry.timeLength, entry.source, entry.sourceLength, entry.msg,
                    entry.msgLength);
            appended(file, entry.seq);
        }
    }

    private static boolean startsWith(byte[] bytes, int length, byte[] prefix) {
        return length >= prefix.length && java.util.Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }

    private void write(String name, byte[] line, long entrySeq) throws IOException {
        SourceFile file = fileFor(name, entrySeq);
        if (file != null) {
            file.append(line);
            appended(file, entrySeq);
        }
    }

    /** The file for {@code name}, or null when its line is dropped (said once): the seq still moves on. */
    private SourceFile fileFor(String name, long entrySeq) {
        SourceFile file = file(name);
        if (file == null) {
            advance(entrySeq);
        }
        return file;
    }

    /** After a line went into {@code file}'s buffer: the seq moves with it, then LinuxKit's rotation rule. */
    private void appended(SourceFile file, long entrySeq) throws IOException {
        advance(entrySeq);
        if (file.logicalLength() > options.maxLogSize()) {
            rotate(file);
        }
    }

    /** The open file for {@code name}; opened (after a checkpoint listing it) on first use. Null if it cannot be. */
    private SourceFile file(String name) {
        SourceFile file = files.get(name);
        if (file != null) {
            return file;
        }
        try {
            file = SourceFile.open(dir, name);
        } catch (IOException e) {
            // Once, not per line: logwrite's stderr goes to memlogd, whose ring a message per line would flood.
            log.sayOnce("open-" + name, "cannot open " + name + ".log in " + dir + ": " + e
                    + "; its lines are counted and dropped until it can be");
            Checkpoint.Unwritten before = carriedUnwritten.get(name);
            carriedUnwritten.put(name, new Checkpoint.Unwritten(name, before == null ? 1 : before.lines() + 1,
                    before == null ? now() : before.since()));
            unopenable.add(name);
            return null;
        }
        if (log.clear("open-" + name)) {
            log.say("opened " + name + ".log: its lines are written again");
        }
        Checkpoint.Unwritten carried = carriedUnwritten.remove(name);
        if (carried != null) {
            file.restoreUnwritten(carried.lines(), carried.since(),
                    unopenable.remove(name) ? "the file could not be opened" : "before logwrite restarted");
        }
        files.put(name, file);
        Checkpoint.FileState state = known.remove(name);
        if (state == null || state.inode() != file.inode() || state.length() != file.length()) {
            unlisted.add(file); // the rule: listed in a checkpoint before it is written to
        }
        return file;
    }

    /**
     * Rotates after a checkpoint vouching for everything written, so that recovery always finds
     * the file it lists (by inode) among the plain files. While checkpoints fail, rotation waits
     * (retried at most once a second): the file grows past {@code -max-log-size} meanwhile.
     */
    private void rotate(SourceFile file) throws IOException {
        if (checkpointFailing && System.nanoTime() - lastCheckpointAttempt < RETRY_NANOS || !checkpoint()) {
            return;
        }
        if (file.logicalLength() <= options.maxLogSize()) {
            return; // the write failed (and is counted): nothing to rotate
        }
        file.rotate(options.maxLogFiles(), options.compress());
        // Compressed only once a checkpoint no longer lists the rotated file: recovery looks for
        // it by inode among plain files.
        if (checkpoint() && options.compress() && options.maxLogFiles() > 0) {
            compress(file, 0);
        }
    }

    private void compress(SourceFile file, int index) {
        try {
            file.compressRotated(index);
        } catch (IOException e) {
            log.say("cannot compress " + file.rotated(index, false).getFileName() + ": " + e + "; left as it is");
        }
    }

    /** Writes every file's buffered lines (one write each). */
    void flush() {
        listNewFiles();
        String now = now();
        for (SourceFile file : files.values()) {
            if (unlisted.contains(file)) {
                continue; // not listed yet: nothing may be written to it
            }
            String error = file.flush(now);
            if (error != null) {
                log.sayOnce("write-" + file.name(), "cannot write " + file.name() + ".log: " + error
                        + "; counting the lines dropped, and retrying with every batch");
            } else if (log.clear("write-" + file.name())) {
                log.say("writing " + file.name() + ".log again; a marker in it says how many lines were dropped");
            }
        }
    }

    /**
     * Flushes, makes every file durable, then records the checkpoint. A checkpoint that cannot
     * be written (disk full) leaves the previous one: a restart then asks again for more.
     *
     * @return whether it was written
     */
    boolean checkpoint() {
        lastCheckpointAttempt = System.nanoTime();
        flush();
        if (!unlisted.isEmpty()) {
            return false; // they could not be listed: a checkpoint cannot be written either
        }
        List<Checkpoint.FileState> states = new ArrayList<>();
        List<Checkpoint.Unwritten> unwritten = new ArrayList<>(carriedUnwritten.values());
        for (SourceFile file : files.values()) {
            try {
                file.sync();
                log.clear("sync-" + file.name());
            } catch (IOException e) {
                log.sayOnce("sync-" + file.name(), "cannot sync " + file.name() + ".log: " + e);
                return false;
            }
            states.add(new Checkpoint.FileState(file.inode(), file.length(), file.name()));
            if (file.unwrittenLines() > 0) {
                unwritten.add(new Checkpoint.Unwritten(file.name(), file.unwrittenLines(), file.unwrittenSince()));
            }
        }
        states.addAll(known.values());
        return write(new Checkpoint(daemon, seq, states, unwritten));
    }

    /**
     * Lists the files opened since the last checkpoint before anything is written to them: the
     * last checkpoint as it was, plus each new file at its length now. That claims nothing new
     * about the data (no fsync needed), and one such checkpoint serves every new file of a
     * batch. If it cannot be written, their lines are counted and dropped, not written unlisted.
     */
    private void listNewFiles() {
        if (unlisted.isEmpty()) {
            return;
        }
        List<Checkpoint.FileState> states = new ArrayList<>();
        for (Checkpoint.FileState state : last.files()) {
            if (unlisted.stream().noneMatch(f -> f.name().equals(state.name()))) {
                states.add(state);
            }
        }
        for (SourceFile file : unlisted) {
            states.add(new Checkpoint.FileState(file.inode(), file.length(), file.name()));
        }
        if (write(new Checkpoint(last.daemon(), last.seq(), states, last.unwritten()))) {
            unlisted.clear();
            return;
        }
        for (SourceFile file : unlisted) {
            file.dropPending(now(), "the checkpoint listing it could not be written");
        }
    }

    private boolean write(Checkpoint checkpoint) {
        try {
            checkpoint.write(dir);
            last = checkpoint;
            if (checkpointFailing) {
                checkpointFailing = false;
                log.say("checkpoint written again");
            }
            return true;
        } catch (IOException e) {
            if (!checkpointFailing) {
                checkpointFailing = true;
                log.say("cannot write the checkpoint in " + dir + ": " + e + "; keeping the previous one");
            }
            return false;
        }
    }

    /** Closes every file after a last checkpoint. */
    void close() {
        checkpoint();
        for (SourceFile file : files.values()) {
            try {
                file.close();
            } catch (IOException e) {
                // Closing after a checkpoint: nothing left to lose.
            }
        }
    }

    /** The current time as the files' lines give it (RFC 3339, whole seconds, UTC). */
    static String now() {
        return SECONDS.format(Instant.now());
    }
}

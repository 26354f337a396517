package dev.memlogd.logwrite;

import java.io.IOException;

import dev.memlogd.core.client.ResumePosition;
import dev.memlogd.core.client.ResumingFollower;
import dev.memlogd.core.wire.LogEntry;

/**
 * Hands every entry memlogd holds and receives to the {@link LogDir}, for as long as logwrite
 * runs: {@link ResumingFollower} follows memlogd (exact resume, reconnects, LinuxKit's
 * fallback); this writes in batches, checkpoints at most every {@code -sync} ms, and turns a
 * restart of memlogd (its identity changed) or a notice with {@code lost} into a marker in every
 * file. With LinuxKit's memlogd there is no seq: a reconnect then writes the ring again.
 *
 * <p>One thread; {@link #requestStop()} from any thread.
 */
final class Persister implements ResumingFollower.Listener {
    private final LogDir dir;
    private final Log log;
    private final ResumingFollower follower;
    private final JsonEntryBytes fast = new JsonEntryBytes();

    Persister(LogwriteOptions options, LogDir dir, Log log) throws IOException {
        this.dir = dir;
        this.log = log;
        this.follower = new ResumingFollower(new ResumingFollower.Options(options.socket(), options.retryMaxMillis(),
                options.probeMillis(), options.syncMillis()), this, log);
    }

    /** Asks {@link #run} to stop after a last checkpoint (any thread). */
    void requestStop() {
        follower.requestStop();
    }

    /** Follows memlogd until {@link #requestStop()}, then checkpoints and closes the files. */
    void run() throws IOException {
        try {
            follower.run();
        } finally {
            dir.close();
        }
    }

    @Override
    public ResumePosition resumePosition() {
        return new ResumePosition(dir.daemon(), dir.seq());
    }

    /** An ordinary entry straight from memlogd's bytes; anything else (notices, lines without seq from ours) parsed. */
    @Override
    public boolean entryLine(byte[] line, int from, int to, boolean linuxKit) throws IOException {
        if (fast.parse(line, from, to) && (linuxKit || fast.seq >= 0)) {
            dir.append(fast);
            return true;
        }
        return false;
    }

    @Override
    public void entry(LogEntry entry) throws IOException {
        dir.append(entry);
    }

    @Override
    public void identity(String daemon, boolean restarted, ResumePosition previous) throws IOException {
        if (restarted) {
            dir.marker("memlogd restarted: entries after seq " + dir.seq() + " of the previous daemon may be missing");
            log.say("marker written: memlogd restarted");
            dir.daemon(daemon, -1);
        } else if (previous.daemon() == null) {
            dir.daemon(daemon, -1);
        }
    }

    /** Entries gone before they could be written: a marker with the count. */
    @Override
    public void lost(long count, LogEntry notice) throws IOException {
        dir.marker(count + " entries were evicted from memlogd's ring before logwrite could write"
                + " them (after seq " + dir.seq() + ")");
    }

    @Override
    public void batchEnd() {
        dir.flush();
    }

    /** At most every {@code -sync} ms: fsync the files, then the checkpoint that vouches for them. */
    @Override
    public void tick() {
        dir.checkpoint();
    }

    @Override
    public void disconnected() {
        dir.checkpoint();
    }
}

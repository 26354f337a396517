package dev.memlogd.forward;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import dev.memlogd.core.client.ProgramLog;
import dev.memlogd.core.client.ResumePosition;
import dev.memlogd.core.client.ResumingFollower;
import dev.memlogd.core.wire.GoTime;
import dev.memlogd.core.wire.LogEntry;

/**
 * Sends every entry memlogd holds and receives to the collector, at least once
 * (docs/forwarding.md, "Delivery"). {@link ResumingFollower} follows memlogd; this turns
 * entries into RFC 5424 messages, sends them, and moves the checkpoint only over what the
 * collector is taken to have: on TCP and TLS, entries handed to the kernel at least
 * {@code -ack-window} ms ago on a connection that has shown no error or close since; on UDP,
 * whatever was sent (lossy). When the connection breaks, what is not acknowledged is sent
 * again: the follower reconnects to memlogd after the checkpointed seq, once the collector
 * answers again (memlogd is not held while the collector is away). Entries memlogd no longer
 * holds (evicted, or memlogd restarted) become one marker message each time, and a line on
 * stderr.
 *
 * <p>One thread (the follower's); {@link #requestStop()} from any thread.
 */
final class Forwarder implements ResumingFollower.Listener {
    /** Sent entries, one record per read batch: what acknowledging it moves the checkpoint to. */
    private record Pending(String daemon, long seq, long flushedNanos, long bytes) {
    }

    private final ForwardOptions options;
    private final ProgramLog log;
    private final ResumingFollower follower;
    private final Rfc5424 format;
    private final SourceGlobs sources;
    private final SSLContext tls;
    private final Backoff backoff;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final long windowNanos;

    private Collector collector;
    /** The daemon entries come from now (null: unknown yet, or LinuxKit's). */
    private String daemon;
    /** The last entry sent (or filtered out): where memlogd resumes while the collector connection holds. */
    private String sentDaemon;
    private long sentSeq;
    /** What the collector is taken to have: the checkpoint. */
    private ResumePosition acked;
    private ResumePosition written;
    private long batchBytes;
    private boolean batchMoved;
    private long inFlightBytes;
    private long forwarded;

    Forwarder(ForwardOptions options, ResumePosition checkpoint, SSLContext tls, ProgramLog log) throws IOException {
        this.options = options;
        this.log = log;
        this.tls = tls;
        this.format = new Rfc5424(options.hostname(), options.defaultPri(), options.maxMessageBytes());
        this.sources = new SourceGlobs(options.include(), options.exclude());
        this.backoff = new Backoff(options.retryMaxMillis());
        this.windowNanos = TimeUnit.MILLISECONDS.toNanos(options.ackWindowMillis());
        this.acked = checkpoint;
        this.written = checkpoint;
        this.sentDaemon = checkpoint.daemon();
        this.sentSeq = checkpoint.seq();
        long tick = Math.max(10, Math.min(250, options.ackWindowMillis() / 4));
        this.follower = new ResumingFollower(new ResumingFollower.Options(options.socket(), options.retryMaxMillis(),
                options.probeMillis(), tick), this, log);
    }

    /** Asks {@link #run} to stop (any thread). */
    void requestStop() {
        follower.requestStop();
    }

    /**
     * Forwards until {@link #requestStop()}; then ends the collector connection so that it says
     * it read everything (it closes its side), checkpoints what that confirms, and returns.
     */
    void run() throws IOException {
        try {
            follower.run();
        } finally {
            if (collector != null) {
                boolean drained = collector.broken() == null && drain();
                if (drained) {
                    acked = new ResumePosition(sentDaemon, sentSeq);
                }
                collector.close();
                collector = null;
            }
            ackAged(System.nanoTime());
            checkpoint();
            log.say("stopped after " + forwarded + " messages; checkpoint " + describe(acked));
        }
    }

    private boolean drain() {
        try {
            return collector.drain(Math.max(1000, options.ackWindowMillis()));
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public ResumePosition resumePosition() {
        return new ResumePosition(sentDaemon, sentSeq);
    }

    /** Before memlogd is asked for anything: a collector that answers (waits, capped and jittered, until one does). */
    @Override
    public void connecting() throws IOException {
        while (collector == null && !follower.stopping()) {
            try {
                collector = Collectors.open(options.to(), tls, options.connectTimeoutMillis(), follower::wakeup);
                backoff.reset();
                if (log.clear("collector")) {
                    log.say("collector " + options.to() + " answers again; sending after " + describe(acked));
                } else {
                    log.say("sending to " + options.to() + " after " + describe(acked));
                }
            } catch (IOException e) {
                log.sayOnce("collector", "cannot reach collector " + options.to() + ": " + e.getMessage()
                        + "; retrying, at least every " + options.retryMaxMillis() + " ms");
                follower.pause(backoff.next());
            }
        }
    }

    @Override
    public void entry(LogEntry entry) {
        if (collector == null) {
            return;
        }
        if (sources.forwards(entry.source()) && level(entry) <= options.maxLevel()) {
            send(format.entry(entry, daemon));
            if (collector == null) {
                return; // the send failed: the position stays where broken() put it, at the checkpoint
            }
        }
        if (entry.seq() >= 0) {
            sentDaemon = daemon;
            sentSeq = entry.seq();
            batchMoved = true;
        }
    }

    private int level(LogEntry entry) {
        return (entry.pri() >= 0 ? entry.pri() : options.defaultPri()) & 7;
    }

    private void send(byte[] message) {
        try {
            collector.send(message);
            batchBytes += message.length;
            forwarded++;
        } catch (IOException e) {
            broken("collector " + options.to() + ": " + e.getMessage());
        }
    }

    @Override
    public void identity(String identity, boolean restarted, ResumePosition previous) {
        if (restarted) {
            marker("restarted", -1, previous.daemon(), previous.seq(), "memlogd restarted: entries after seq "
                    + previous.seq() + " of the previous daemon (" + previous.daemon() + ") may be missing");
        }
        daemon = identity;
        if (collector != null && (restarted || previous.daemon() == null)) {
            sentDaemon = identity;
            sentSeq = -1;
            batchMoved = true;
        }
    }

    @Override
    public void lost(long count, LogEntry notice) {
        marker("evicted", count, daemon, sentSeq, count + " entries were evicted from memlogd's ring before"
                + " memlogd-forward could send them (after seq " + sentSeq + ")");
    }

    /** One message about entries that cannot be sent, and the same on stderr. */
    private void marker(String reason, long lost, String markerDaemon, long after, String msg) {
        log.say("sending a marker: " + msg);
        if (collector != null) {
            send(format.marker(GoTime.formatRfc3339Nano(System.currentTimeMillis() * 1_000_000L), reason, lost,
                    markerDaemon, after, msg));
            batchMoved = true;
        }
    }

    /** The end of a read: hand the batch to the kernel and start its acknowledgement window. */
    @Override
    public void batchEnd() {
        if (collector == null || !batchMoved && batchBytes == 0) {
            return;
        }
        try {
            collector.flush();
        } catch (IOException e) {
            broken("collector " + options.to() + ": " + e.getMessage());
            return;
        }
        if (collector.lossy()) {
            acked = new ResumePosition(sentDaemon, sentSeq);
        } else {
            pending.add(new Pending(sentDaemon, sentSeq, System.nanoTime(), batchBytes));
            inFlightBytes += batchBytes;
        }
        batchBytes = 0;
        batchMoved = false;
    }

    /** Every tick: a broken connection is reset; batches older than the window are acknowledged. */
    @Override
    public void tick() {
        if (collector != null && collector.broken() != null) {
            broken(collector.broken());
            return;
        }
        ackAged(System.nanoTime());
        checkpoint();
    }

    private void ackAged(long now) {
        while (!pending.isEmpty() && now - pending.peek().flushedNanos() >= windowNanos) {
            Pending done = pending.poll();
            inFlightBytes -= done.bytes();
            acked = new ResumePosition(done.daemon(), done.seq());
        }
    }

    private void checkpoint() {
        if (acked.equals(written)) {
            return;
        }
        try {
            ForwardCheckpoint.write(options.stateDir(), acked);
            written = acked;
            if (log.clear("checkpoint")) {
                log.say("checkpoint written again");
            }
        } catch (IOException e) {
            log.sayOnce("checkpoint", "cannot write the checkpoint in " + options.stateDir() + ": " + e.getMessage()
                    + "; a restart would send again from " + describe(written));
        }
    }

    /** Reading waits while too much is sent and not yet acknowledged. */
    @Override
    public boolean readable() {
        return inFlightBytes < options.maxInFlightBytes();
    }

    /**
     * The connection failed or was closed: what it had not acknowledged is sent again, from the
     * checkpoint, on a new connection (duplicates at most the window's, identifiable by seq).
     */
    private void broken(String why) {
        log.say(why + "; sending again after " + describe(acked));
        try {
            collector.close();
        } catch (IOException e) {
            // closing a broken connection: nothing to do
        }
        collector = null;
        pending.clear();
        inFlightBytes = 0;
        batchBytes = 0;
        batchMoved = false;
        sentDaemon = acked.daemon();
        sentSeq = acked.seq();
        follower.reconnect();
    }

    private static String describe(ResumePosition position) {
        return position.daemon() == null ? "the oldest entry memlogd holds"
                : "seq " + position.seq() + " of memlogd " + position.daemon();
    }
}

package dev.memlogd.forward;

import java.io.IOException;
import java.util.ArrayDeque;

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
 * collector is taken to have ({@link Collector#acknowledged}): on RELP, what it answered
 * {@code 200 OK}; on TCP and TLS, entries handed to the kernel at least {@code -ack-window} ms
 * ago on a connection that has shown no error or close since; on UDP, whatever was sent
 * (lossy). When the connection breaks, what is not acknowledged is sent
 * again: the follower reconnects to memlogd after the checkpointed seq, once the collector
 * answers again (memlogd is not held while the collector is away). Entries memlogd no longer
 * holds (evicted, or memlogd restarted) become one marker message each time, and a line on
 * stderr.
 *
 * <p>One thread (the follower's); {@link #requestStop()} from any thread.
 */
final class Forwarder implements ResumingFollower.Listener {
    /**
     * Where the checkpoint moves once the collector has the first {@code messages} messages of
     * the connection: one record per message sent, and one per batch whose entries were all
     * filtered out (the position moved, no message).
     */
    private record Pending(String daemon, long seq, long messages, long bytes) {
    }

    private final ForwardOptions options;
    private final ProgramLog log;
    private final ResumingFollower follower;
    private final Rfc5424 format;
    private final SourceGlobs sources;
    private final SSLContext tls;
    private final Backoff backoff;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();

    private Collector collector;
    /** The daemon entries come from now (null: unknown yet, or LinuxKit's). */
    private String daemon;
    /** The last entry sent (or filtered out): where memlogd resumes while the collector connection holds. */
    private String sentDaemon;
    private long sentSeq;
    /** What the collector is taken to have: the checkpoint. */
    private ResumePosition acked;
    private ResumePosition written;
    /** Messages sent on this connection (what {@link Collector#acknowledged} counts in). */
    private long messages;
    private boolean batchMoved;
    /** Whether the last pending record belongs to the batch not flushed yet. */
    private boolean batchOpen;
    private long inFlightBytes;
    private long forwarded;

    Forwarder(ForwardOptions options, ResumePosition checkpoint, SSLContext tls, ProgramLog log) throws IOException {
        this.options = options;
        this.log = log;
        this.tls = tls;
        this.format = new Rfc5424(options.hostname(), options.defaultPri(), options.maxMessageBytes());
        this.sources = new SourceGlobs(options.include(), options.exclude());
        this.backoff = new Backoff(options.retryMaxMillis());
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
                } else if (collector.broken() == null) {
                    acknowledge();
                }
                collector.close();
                collector = null;
            }
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
                collector = Collectors.open(options, tls, follower::wakeup);
                messages = 0;
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
        boolean forwards = sources.forwards(entry.source()) && level(entry) <= options.maxLevel();
        byte[] message = forwards ? format.entry(entry, daemon) : null;
        if (forwards && !send(message)) {
            return; // the send failed: the position stays where broken() put it, at the checkpoint
        }
        if (entry.seq() >= 0) {
            sentDaemon = daemon;
            sentSeq = entry.seq();
            batchMoved = !forwards;
        }
        if (forwards) {
            addPending(sentDaemon, sentSeq, message.length);
        }
    }

    /**
     * Records that once the collector has {@link #messages} messages, the checkpoint may move
     * to this position. A collector that acknowledges each message (RELP) gets one record per
     * message; for the others, which acknowledge what was flushed, the records of one batch
     * are one (memory per batch, not per message, whatever the rate and the window).
     */
    private void addPending(String pendingDaemon, long seq, long bytes) {
        if (batchOpen && !collector.acknowledgesEachMessage()) {
            Pending last = pending.pollLast();
            pending.addLast(new Pending(pendingDaemon, seq, messages, last.bytes() + bytes));
            return;
        }
        pending.addLast(new Pending(pendingDaemon, seq, messages, bytes));
        batchOpen = true;
    }

    private int level(LogEntry entry) {
        return (entry.pri() >= 0 ? entry.pri() : options.defaultPri()) & 7;
    }

    /** @return false when the connection failed (then {@link #broken} has reset the position) */
    private boolean send(byte[] message) {
        try {
            collector.send(message);
        } catch (IOException e) {
            broken("collector " + options.to() + ": " + e.getMessage());
            return false;
        }
        messages++;
        inFlightBytes += message.length;
        forwarded++;
        return true;
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
            byte[] message = format.marker(GoTime.formatRfc3339Nano(System.currentTimeMillis() * 1_000_000L), reason,
                    lost, markerDaemon, after, msg);
            if (send(message)) {
                addPending(sentDaemon, sentSeq, message.length);
            }
        }
    }

    /** The end of a read: hand the batch to the kernel (TCP, TLS: its acknowledgement window starts). */
    @Override
    public void batchEnd() {
        if (collector == null) {
            return;
        }
        if (batchMoved) {
            // entries filtered out, a new daemon: the position moved with no message of its own
            addPending(sentDaemon, sentSeq, 0);
            batchMoved = false;
        }
        batchOpen = false;
        try {
            collector.flush();
        } catch (IOException e) {
            broken("collector " + options.to() + ": " + e.getMessage());
            return;
        }
        acknowledge();
    }

    /** Every tick: a broken connection is reset; what the collector has is checkpointed. */
    @Override
    public void tick() {
        if (collector != null && collector.broken() != null) {
            broken(collector.broken());
            return;
        }
        if (collector != null) {
            acknowledge();
        }
        checkpoint();
    }

    /** Moves {@link #acked} over every pending position whose messages the collector has. */
    private void acknowledge() {
        long have = collector.acknowledged(System.nanoTime());
        while (!pending.isEmpty() && pending.peek().messages() <= have) {
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

    /**
     * Reading waits while too much is sent and not yet acknowledged; a collector that
     * acknowledges (RELP) wakes the follower when it does.
     */
    @Override
    public boolean readable() {
        if (inFlightBytes < options.maxInFlightBytes() || collector == null) {
            return true;
        }
        acknowledge();
        if (inFlightBytes >= options.maxInFlightBytes()) {
            collector.wakeOnAcknowledgement();
            acknowledge(); // an answer that came before the request woke nobody
        }
        return inFlightBytes < options.maxInFlightBytes();
    }

    /**
     * The connection failed or was closed: what it had not acknowledged is sent again, from the
     * checkpoint, on a new connection (duplicates at most the window's, identifiable by seq).
     */
    private void broken(String why) {
        acknowledge(); // RELP: what was answered before the break is the collector's
        log.say(why + "; sending again after " + describe(acked));
        try {
            collector.close();
        } catch (IOException e) {
            // closing a broken connection: nothing to do
        }
        collector = null;
        pending.clear();
        batchOpen = false;
        inFlightBytes = 0;
        messages = 0;
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

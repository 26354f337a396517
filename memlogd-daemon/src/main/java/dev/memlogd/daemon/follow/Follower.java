package dev.memlogd.daemon.follow;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;

import dev.memlogd.core.ring.LogRing;
import dev.memlogd.core.ring.RecordDescriptor;
import dev.memlogd.core.ring.RingCursor;
import dev.memlogd.core.wire.EntryEncoder;
import dev.memlogd.core.wire.TimeText;
import dev.memlogd.daemon.loop.Clock;
import dev.memlogd.daemon.loop.KeyHandler;

/**
 * A reader of the ring: a query client past its handshake, or the console echo.
 *
 * <p>It keeps only a cursor into the shared ring and one bounded output buffer; entries are
 * encoded into the buffer, by its {@link EntryEncoder}, when the channel can take them. A
 * query client may {@linkplain #holdsIngest() hold ingest back} while it keeps taking data
 * ({@link HoldPolicy}). When it stops taking data for longer than the daemon waits, or when it
 * never held ingest (the console), the ring may evict entries it has not sent: it is lapped,
 * and its stream gets one {@code memlogd} notice saying how many entries it missed before it
 * goes on from the oldest entry still held. Event loop thread only.
 */
public final class Follower implements KeyHandler, HoldPolicy.Reader {
    /** Who keeps the follower: told of laps, and when the follower is finished. */
    public interface Owner {
        /**
         * The follower was lapped: once it has caught up again or left, and at most once per
         * {@link #LAP_REPORT_INTERVAL_NANOS} (laps in between are added up), so that a reader
         * lapped over and over cannot fill the ring with reports about itself.
         */
        void lapped(Follower follower, long missed, int laps);

        /** The follower ended (dump sent, reader gone, channel failed): close and forget it. */
        void finished(Follower follower);

        /**
         * After EOF on the follower's channel: whether its peer has gone (closed), rather than
         * only shut down its writing side, in which case it still reads what it is sent.
         */
        boolean hungUp(SelectableChannel channel);

        /**
         * The client shut down only its writing side: it is served on, and its owner asks
         * {@link #hungUp} again from time to time, since a client that closes later while
         * nothing is sent to it shows no new event.
         */
        default void halfClosed(Follower follower) {
        }
    }

    /** Shortest time between two ring entries about the same follower's laps. */
    static final long LAP_REPORT_INTERVAL_NANOS = 10_000_000_000L;

    /** What clients send after their request is read into this and dropped; event loop thread only. */
    private static final ByteBuffer DISCARD = ByteBuffer.allocateDirect(4096);

    private final String description;
    private final SelectableChannel channel;
    private final WritableByteChannel sink;
    private final LogRing ring;
    private final RingCursor cursor;
    private final ByteBuffer out;
    private final EntryEncoder encoder;
    private final SourceFilter sources;
    private final LevelFilter levels;
    /** The first seq not sent: the dump's end, or never for a follower that follows (until the daemon stops). */
    private long stopSeq;
    private boolean follow;
    private final Owner owner;
    private final Clock clock;
    /** The last entry time formatted: entries from one read share it. */
    private final TimeText timeText = new TimeText();
    /** The daemon's identity, sent first when the request asked for it; null once sent. */
    private String pendingIdentity;
    private String pendingNotice;
    private long pendingNoticeLost;
    /** Sends no more entries: only what is buffered, then its pending notice, then it is finished. */
    private boolean ending;
    /** While entries are encoded into {@link #out}: nothing of it has been written yet. */
    private boolean filling;
    private SelectionKey key;
    /** Whether it holds ingest while it keeps up (a query client, when the daemon waits for readers). */
    private boolean holdsWhenKeepingUp;
    /** Whether ingest waits for this follower now: false from a stall until it catches up again. */
    private boolean holding;
    private long progressNanos = System.nanoTime();
    private final Pace pace = new Pace();
    private final Laps laps = new Laps();
    /** Made once: reporting laps is asked at every catch-up. */
    private final Laps.Report lapReport;
    // Statistics: entries encoded for this reader, and entries it missed by being lapped.
    private long sent;

    public Follower(String description, SelectableChannel channel, LogRing ring, ReadPlan plan, EntryEncoder encoder,
            int bufferSize, Clock clock, Owner owner) {
        this.description = description;
        this.channel = channel;
        this.sink = (WritableByteChannel) channel;
        this.ring = ring;
        this.cursor = new RingCursor(ring, plan.startSeq());
        this.out = ByteBuffer.allocateDirect(bufferSize).flip();
        this.encoder = encoder;
        this.sources = plan.sources();
        this.levels = plan.levels();
        this.follow = plan.follow();
        this.stopSeq = plan.follow() ? Long.MAX_VALUE : plan.dumpEndSeq();
        this.clock = clock;
        this.owner = owner;
        this.lapReport = (missed, count) -> owner.lapped(this, missed, count);
        this.pendingIdentity = plan.identity();
        if (plan.gap().notice() != null) {
            notice(plan.gap().notice(), plan.gap().lost());
        }
    }

    void attach(SelectionKey key) {
        this.key = key;
    }

    /** Makes ingest wait for this follower while it keeps taking data. */
    void holdIngest() {
        holdsWhenKeepingUp = true;
        holding = true;
    }

    @Override
    public boolean holdsIngest() {
        return holding;
    }

    @Override
    public void stopHolding() {
        holding = false;
    }

    @Override
    public Pace pace() {
        return pace;
    }

    @Override
    public long lastProgressNanos() {
        return progressNanos;
    }

    /** Whether the follower waits for its channel to drain. */
    @Override
    public boolean waitsForWritable() {
        return out.hasRemaining();
    }

    /** The next seq this follower will send. */
    @Override
    public long nextSeq() {
        return cursor.nextSeq();
    }

    /** Queues a notice to send before the next entries (e.g. entries lost before a resume point). */
    void notice(String msg, long lost) {
        pendingNotice = msg;
        pendingNoticeLost = lost;
    }

    @Override
    public void onReady(SelectionKey key) {
        if (key.isReadable() && !readInput() || key.isWritable() && pump()) {
            owner.finished(this);
        }
    }

    /**
     * A bug met serving this reader: it is closed, but after the line in flight if its channel
     * takes the rest of that line at once, so that the reader is not left with half a line.
     */
    @Override
    public void abandon() {
        try {
            finishLineInFlight();
        } catch (IOException | RuntimeException e) {
            // The reader has gone, or this follower's state is what failed: close it as it is.
        }
        owner.finished(this);
    }

    /** Writes, without waiting, the rest of the line of which part has been written. */
    private void finishLineInFlight() throws IOException {
        if (filling || !out.hasRemaining() || out.position() == 0 || out.get(out.position() - 1) == '\n') {
            return; // nothing of the buffer written yet, or it was written up to a line's end
        }
        for (int i = out.position(); i < out.limit(); i++) {
            if (out.get(i) == '\n') {
                out.limit(i + 1);
                sink.write(out);
                return;
            }
        }
    }

    /**
     * Ends the stream after the entries before {@code endSeq}, the ring's end when the daemon
     * stops: a follower ends there, a dump there if it would end later. Its last entry is the
     * daemon's "stopping" entry, unless its filters leave that out.
     */
    void endAt(long endSeq) {
        stopSeq = Math.min(stopSeq, endSeq);
        follow = false;
    }

    /**
     * Sends no more entries: only the whole lines already buffered, then, if it has not been
     * sent every entry up to its end, one notice starting with {@code why} and counting those
     * ({@code lost}). Then it is finished. For a reader still behind when the daemon must stop.
     */
    void sendNoMore(String why) {
        if (ending) {
            return;
        }
        ending = true;
        long unsent = cursor.skipLapped();
        ByteBuffer records = ring.buffer();
        while (cursor.hasNext() && cursor.nextSeq() < stopSeq) {
            int offset = cursor.nextRecordOffset();
            if (sources.matches(records, offset) && levels.matches(records, offset)) {
                unsent++;
            }
            cursor.advance();
        }
        if (unsent > 0) {
            notice(why + ": this reader was not sent its last " + unsent + " entries", unsent);
        }
    }

    /**
     * Sends what the channel takes: buffered bytes first, then newly encoded entries.
     *
     * @return true when this follower is finished (a dump reached its end) or its channel failed
     */
    public boolean pump() {
        try {
            while (true) {
                if (out.hasRemaining()) {
                    if (sink.write(out) > 0) {
                        progressNanos = System.nanoTime();
                    }
                    if (out.hasRemaining()) {
                        interestWrite(true);
                        return false;
                    }
                }
                out.clear();
                filling = true;
                fill();
                filling = false;
                out.flip();
                if (!out.hasRemaining()) {
                    // Everything held has reached the reader: a lap episode, if any, is over.
                    reportLaps(false);
                    // Caught up: a follower that stalled before holds ingest again.
                    progressNanos = System.nanoTime();
                    pace.stop();
                    holding = holdsWhenKeepingUp;
                    interestWrite(false);
                    return ending || !follow && cursor.nextSeq() >= stopSeq;
                }
            }
        } catch (IOException e) {
            // The reader went away (EPIPE, reset): only this follower ends.
            return true;
        }
    }

    private void fill() {
        if (ending) {
            if (pendingNotice != null) {
                encoder.encodeNotice(out, clock.nowNanos(), pendingNotice, pendingNoticeLost);
                pendingNotice = null;
            }
            return;
        }
        if (pendingIdentity != null) {
            encoder.encodeIdentity(out, clock.nowNanos(), pendingIdentity);
            pendingIdentity = null;
        }
        long missed = cursor.skipLapped();
        if (missed > 0) {
            laps.lapped(missed);
            encoder.encodeNotice(out, clock.nowNanos(), "this reader fell behind and missed " + missed
                    + " entries (evicted from the ring before they could be sent); continuing with the oldest"
                    + " entry held", missed);
        }
        if (pendingNotice != null) {
            encoder.encodeNotice(out, clock.nowNanos(), pendingNotice, pendingNoticeLost);
            pendingNotice = null;
        }
        ByteBuffer records = ring.buffer();
        while (cursor.hasNext() && cursor.nextSeq() < stopSeq) {
            int offset = cursor.nextRecordOffset();
            if (!sources.matches(records, offset) || !levels.matches(records, offset)) {
                cursor.advance();
                continue;
            }
            int sourceLength = records.getInt(RecordDescriptor.sourceLengthOffset(offset));
            int msgLength = records.getInt(RecordDescriptor.msgLengthOffset(offset));
            if (out.remaining() < encoder.maxEncodedLength(sourceLength, msgLength)) {
                return;
            }
            encoder.encode(records, offset, out, timeText);
            sent++;
            cursor.advance();
        }
    }

    private void reportLaps(boolean leaving) {
        laps.report(System.nanoTime(), leaving, lapReport);
    }

    /**
     * Reads and discards what a following client sends: nothing, normally, then its EOF. A
     * client that closes frees its fd at once rather than at the next write. A client that
     * only shut down its writing side (a pipe into {@code socat}, {@code nc -N}) has said all
     * it will say but still reads: it is served on, and ends when a write to it fails.
     *
     * @return false when the client has gone and the follower should be closed
     */
    private boolean readInput() {
        try {
            if (discardInputBytes() >= 0) {
                return true;
            }
        } catch (IOException e) {
            return false; // reset: it closed with entries unread
        }
        if (owner.hungUp(channel)) {
            return false;
        }
        // Its EOF stays readable: stop watching it, or every select would return at once.
        if (key != null && key.isValid()) {
            key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
        }
        owner.halfClosed(this);
        return true;
    }

    /** The channel, for its owner's hang-up probes. */
    SelectableChannel channel() {
        return channel;
    }

    private int discardInputBytes() throws IOException {
        return ((ReadableByteChannel) channel).read(DISCARD.clear());
    }

    private void interestWrite(boolean on) {
        if (key == null || !key.isValid()) {
            return;
        }
        int ops = key.interestOps();
        int wanted = on ? ops | SelectionKey.OP_WRITE : ops & ~SelectionKey.OP_WRITE;
        if (wanted != ops) {
            key.interestOps(wanted);
        }
    }

    /** Closes the channel (the selector drops the key at its next select). */
    public void close() {
        reportLaps(true);
        try {
            if (channel instanceof SocketChannel) {
                // Closing with unread input (bytes after the mode byte) makes the kernel reset
                // the connection, and the client may lose the end of its dump: read it first.
                for (int i = 0; i < 16 && discardInputBytes() > 0; i++) {
                    // bounded: a client still sending after this gets the reset it asked for
                }
                ((SocketChannel) channel).shutdownOutput();
            }
        } catch (IOException e) {
            // The client already went away: nothing to drain or shut down.
        } finally {
            try {
                channel.close();
            } catch (IOException e) {
                // Closing a socket the peer already dropped: nothing to report.
            }
        }
    }

    /** Entries sent (encoded for the channel) so far. */
    public long sent() {
        return sent;
    }

    /** Entries this reader missed because the ring evicted them first. */
    public long lost() {
        return laps.total();
    }

    /** Whether it follows (else it ends with its dump). */
    public boolean follows() {
        return follow;
    }

    @Override
    public String toString() {
        return description;
    }
}

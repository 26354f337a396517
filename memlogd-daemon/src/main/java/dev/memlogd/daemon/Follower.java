package dev.memlogd.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

import dev.memlogd.core.ring.LogRing;
import dev.memlogd.core.ring.RecordDescriptor;
import dev.memlogd.core.ring.RingCursor;
import dev.memlogd.core.wire.EntryJsonEncoder;
import dev.memlogd.core.wire.GoTime;
import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.core.wire.LogreadFormat;
import dev.memlogd.core.wire.TimeText;

/**
 * A reader of the ring: a query client past its handshake, or the console echo.
 *
 * <p>It keeps only a cursor into the shared ring and one bounded output buffer; entries are
 * encoded into the buffer when the channel can take them. A query client may
 * {@linkplain #holdsIngest() hold ingest back}: while it keeps taking data, the daemon reads
 * no more lines than the ring can hold without evicting an entry it has not been sent (see
 * EventLoop). When it stops taking data for longer than the daemon waits, or when it never
 * held ingest (the console), the ring may evict entries it has not sent: it is lapped, and
 * its stream gets one {@code memlogd} notice saying how many entries it missed before it
 * goes on from the oldest entry still held. Event loop thread only.
 */
final class Follower {
    /**
     * Told when a follower has been lapped, so the daemon can record it in the ring: once the
     * follower has caught up again or left, and at most once per {@link #LAP_REPORT_INTERVAL_NANOS}
     * (laps in between are added up), so that a reader lapped over and over cannot fill the
     * ring with reports about itself.
     */
    interface LapListener {
        void lapped(Follower follower, long missed, int laps);
    }

    private final String description;
    private final SelectableChannel channel;
    private final WritableByteChannel sink;
    private final LogRing ring;
    private final RingCursor cursor;
    private final ByteBuffer out;
    private final boolean text;
    private final SourceFilter sources;
    private final long dumpEnd;
    private final LapListener lapListener;
    private final Clock clock;
    /** The last entry time formatted: entries from one read share it (event-loop thread only, like the rest). */
    private final TimeText timeText = new TimeText();
    private String pendingNotice;
    private long pendingNoticeLost;
    private SelectionKey key;
    /** The follower's registration with the daemon's wait selector, or null if ingest never waits for it. */
    private SelectionKey waitKey;
    /** Whether ingest waits for this follower now: false from a stall until it catches up again. */
    private boolean holding;
    /** Last time the channel took bytes, or the follower had nothing to send. */
    private long progressNanos = System.nanoTime();
    private long episodeMissed;
    private int episodeLaps;
    private long lastLapReportNanos;

    /** Shortest time between two ring entries about the same follower's laps. */
    static final long LAP_REPORT_INTERVAL_NANOS = 10_000_000_000L;

    /**
     * @param startSeq first entry to send
     * @param dumpEnd  stop (and close) before this seq; -1 to follow forever
     * @param sources  the sources to send, or null for all
     */
    Follower(String description, SelectableChannel channel, LogRing ring, long startSeq, long dumpEnd,
            SourceFilter sources, boolean text, int bufferSize, Clock clock, LapListener lapListener) {
        this.description = description;
        this.channel = channel;
        this.sink = (WritableByteChannel) channel;
        this.ring = ring;
        this.cursor = new RingCursor(ring, startSeq);
        this.out = ByteBuffer.allocateDirect(bufferSize).flip();
        this.text = text;
        this.sources = sources;
        this.dumpEnd = dumpEnd;
        this.clock = clock;
        this.lapListener = lapListener;
    }

    void attach(SelectionKey key) {
        this.key = key;
    }

    SelectionKey key() {
        return key;
    }

    /**
     * Makes ingest wait for this follower while it keeps taking data.
     *
     * @param waitKey its registration (interest 0) with the selector the daemon waits on
     *                while ingest is held back; its write interest follows the main key's
     */
    void holdIngest(SelectionKey waitKey) {
        this.waitKey = waitKey;
        this.holding = true;
    }

    /** Whether this follower holds ingest while it keeps up (it has a wait key). */
    boolean holdsIngestWhenKeepingUp() {
        return waitKey != null;
    }

    /** Whether ingest must not evict what this follower has not been sent. */
    boolean holdsIngest() {
        return holding;
    }

    /**
     * Stops holding ingest back if the channel has taken nothing for {@code maxStallNanos}
     * while the follower had data to send; it holds again once it has caught up.
     *
     * @return true if it stopped holding ingest just now
     */
    boolean releaseIfStalled(long nowNanos, long maxStallNanos) {
        if (holding && out.hasRemaining() && nowNanos - progressNanos >= maxStallNanos) {
            holding = false;
            return true;
        }
        return false;
    }

    /** When a holding follower that is waiting for its channel stops holding, if it takes nothing until then. */
    long releaseDeadline(long maxStallNanos) {
        return progressNanos + maxStallNanos;
    }

    /** Queues a notice to send before the next entries (e.g. entries lost before a resume point). */
    void notice(String msg, long lost) {
        pendingNotice = msg;
        pendingNoticeLost = lost;
    }

    /**
     * Sends what the channel takes: buffered bytes first, then newly encoded entries.
     *
     * @return true when this follower is finished (a dump reached its end) or its channel failed
     */
    boolean pump() {
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
                fill();
                out.flip();
                if (!out.hasRemaining()) {
                    // Everything held has reached the reader: a lap episode, if any, is over.
                    if (episodeMissed > 0) {
                        reportLaps(false);
                    }
                    // Caught up: a follower that stalled before holds ingest again.
                    progressNanos = System.nanoTime();
                    holding = waitKey != null;
                    interestWrite(false);
                    return dumpEnd >= 0 && cursor.nextSeq() >= dumpEnd;
                }
            }
        } catch (IOException e) {
            // The reader went away (EPIPE, reset): only this follower ends.
            return true;
        }
    }

    /** Whether the follower waits for its channel to drain. */
    boolean waitsForWritable() {
        return out.hasRemaining();
    }

    private void fill() {
        long missed = cursor.skipLapped();
        if (missed > 0) {
            episodeMissed += missed;
            episodeLaps++;
            writeNotice("this reader fell behind and missed " + missed + " entries (evicted from the ring before"
                    + " they could be sent); continuing with the oldest entry held", missed);
        }
        if (pendingNotice != null) {
            writeNotice(pendingNotice, pendingNoticeLost);
            pendingNotice = null;
        }
        ByteBuffer records = ring.buffer();
        while (cursor.hasNext() && (dumpEnd < 0 || cursor.nextSeq() < dumpEnd)) {
            int offset = cursor.nextRecordOffset();
            if (sources != null && !sources.matches(records, offset)) {
                cursor.advance();
                continue;
            }
            int sourceLength = records.getInt(RecordDescriptor.sourceLengthOffset(offset));
            int msgLength = records.getInt(RecordDescriptor.msgLengthOffset(offset));
            int need = text ? LogreadFormat.maxEncodedLength(sourceLength, msgLength)
                    : EntryJsonEncoder.maxEncodedLength(sourceLength, msgLength);
            if (out.remaining() < need) {
                return;
            }
            if (text) {
                LogreadFormat.encode(records, offset, out, timeText);
            } else {
                EntryJsonEncoder.encode(records, offset, out, timeText);
            }
            cursor.advance();
        }
    }

    private void reportLaps(boolean leaving) {
        long now = System.nanoTime();
        if (!leaving && lastLapReportNanos != 0 && now - lastLapReportNanos < LAP_REPORT_INTERVAL_NANOS) {
            return; // keep adding up; reported at the next catch-up after the interval, or on leaving
        }
        lastLapReportNanos = now;
        lapListener.lapped(this, episodeMissed, episodeLaps);
        episodeMissed = 0;
        episodeLaps = 0;
    }

    /**
     * Reads and discards what a following client sends (nothing, normally).
     *
     * @return false at EOF or error: the client has gone and the follower should be closed
     */
    boolean discardInput() {
        try {
            return discardInputBytes() >= 0;
        } catch (IOException e) {
            return false;
        }
    }

    private int discardInputBytes() throws IOException {
        return ((java.nio.channels.ReadableByteChannel) channel).read(DISCARD.clear());
    }

    /** What clients send after their request is read into this and dropped; event loop thread only. */
    private static final ByteBuffer DISCARD = ByteBuffer.allocateDirect(4096);

    private void writeNotice(String msg, long lost) {
        if (text) {
            out.put((GoTime.formatRfc3339Nano(clock.nowNanos()) + ";" + LinuxKit.SOURCE_MEMLOGD + ";" + msg + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        } else {
            EntryJsonEncoder.encodeNotice(out, clock.nowNanos(), msg, lost);
        }
    }

    private void interestWrite(boolean on) {
        interestWrite(key, on);
        interestWrite(waitKey, on);
    }

    private static void interestWrite(SelectionKey key, boolean on) {
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
    void close() {
        if (episodeMissed > 0) {
            reportLaps(true);
        }
        try {
            if (channel instanceof java.nio.channels.SocketChannel) {
                // Closing with unread input (bytes after the mode byte) makes the kernel reset
                // the connection, and the client may lose the end of its dump: read it first.
                for (int i = 0; i < 16 && discardInputBytes() > 0; i++) {
                    // bounded: a client still sending after this gets the reset it asked for
                }
                ((java.nio.channels.SocketChannel) channel).shutdownOutput();
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

    /** The next seq this follower will send (read by the JMH follower benchmark). */
    long nextSeq() {
        return cursor.nextSeq();
    }

    @Override
    public String toString() {
        return description;
    }
}

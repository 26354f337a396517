package dev.memlogd.daemon.ingest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;

import dev.memlogd.core.ring.LogRing;
import dev.memlogd.core.ring.RecordDescriptor;
import dev.memlogd.core.wire.SyslogPriority;
import dev.memlogd.daemon.fd.FdInspector;
import dev.memlogd.daemon.loop.Clock;
import dev.memlogd.daemon.loop.OwnLog;

/**
 * Reads ready sources into the ring: each ready source joins a FIFO queue, and each round
 * every queued source is read <em>once</em>, at most {@code -read-chunk} bytes, so a source
 * that never stops writing cannot starve the others; its lines are cut by a
 * {@link LineSplitter} straight out of one shared read buffer and appended with one time stamp
 * per read.
 *
 * <p>Each round may append only as many entries as the caller's budget grants (the hold
 * policy: room in the ring for the readers that keep reading). At the end of the budget it
 * stops, in the middle of a read if need be: the rest stays in the read buffer (only one
 * source can be cut short, the <em>stalled</em> one) and the splitter carries on there next
 * time; sources not read yet stay queued, first in line. A source whose read filled the
 * buffer goes back in the queue at once, last. While ingest waits, the queued sources are
 * {@linkplain #park() parked}: their read interest is off, so that the loop's one selector
 * does not wake for data it will not read; a source gets it back once a read leaves it empty. Writers fill their pipe and block in
 * write(2), as on any slow stdout; nothing is dropped.
 *
 * <p>A source named in {@code -syslog-prefix} ({@link SyslogSources}, decided when its fd is
 * registered) has the {@code <N>} prefix of each line, if it has one, taken off the message
 * and its priority N kept in the record's flags ({@link SyslogPriority}); the prefix is read
 * from the bytes the splitter kept, so it counts towards {@code -max-line-len}. Lines of other
 * sources are appended exactly as the splitter cut them.
 *
 * <p>With a {@link RateLimit} (off by default), a source that has appended its burst of lines
 * in the current window has its further lines counted and dropped, not appended (they take none
 * of the round's budget); the window's end, {@linkplain #endRateWindows seen by the loop} or met
 * by the source's next line, appends one entry under the source's name with the count
 * ({@link RecordDescriptor#FLAG_SUPPRESSED}), as does the source's end of file. Only the first
 * suppressed line of a window and the window's end allocate (a message); a counted line costs
 * two comparisons and an increment.
 *
 * <p>No allocation per line or per read. Event loop thread only.
 */
public final class Ingest implements LineSplitter.LineSink {
    /** Rounds in a row an fd may poll readable yet read nothing before it is closed. */
    static final int MAX_EMPTY_READS = 3;

    private final LogRing ring;
    private final Clock clock;
    private final OwnLog ownLog;
    private final Selector selector;
    private final ByteBuffer readBuffer;
    private final LineSplitter splitter;
    private final int maxLineLength;
    private final SyslogSources syslogSources;
    private final RateLimit rateLimit;
    /** Sources with suppressed lines whose window has not ended yet, in the order they began suppressing. */
    private final ArrayDeque<Source> suppressing = new ArrayDeque<>();
    private final SourceLedger ledger;
    /** Ready sources not read yet, oldest first; a source is in it at most once. */
    private final ArrayDeque<Source> ready = new ArrayDeque<>();
    /** The source whose read data, from readBuffer's position on, is not split yet. */
    private Source stalled;
    /** Entries that may still be appended this round. */
    private long appendBudget;
    private long lineStamp;
    /** System.nanoTime of the current read, for the rate limit's windows (immune to clock steps). */
    private long readTick;
    private int sourceCount;

    /**
     * @param syslogSources the sources whose lines' syslog prefix is read ({@link SyslogSources#NONE}: none)
     * @param rateLimit     lines per source per interval ({@link RateLimit#OFF}: every line is kept)
     * @param ledger        where sources are listed for statistics
     */
    public Ingest(LogRing ring, Clock clock, OwnLog ownLog, Selector selector, int readChunk, int maxLineLength,
            SyslogSources syslogSources, RateLimit rateLimit, SourceLedger ledger) {
        this.ring = ring;
        this.ledger = ledger;
        this.syslogSources = syslogSources;
        this.rateLimit = rateLimit;
        this.clock = clock;
        this.ownLog = ownLog;
        this.selector = selector;
        this.readBuffer = ByteBuffer.allocateDirect(readChunk);
        this.splitter = new LineSplitter(maxLineLength, this);
        this.maxLineLength = maxLineLength;
    }

    /**
     * Registers a new source; its fd is read from the next round on. The channel must be
     * non-blocking; ingest owns it from here and closes it at EOF or on a read error. Whether
     * its lines' syslog prefix is read is decided here, from {@code nameBytes}, once.
     */
    public void add(String name, byte[] nameBytes, Pipe.SourceChannel channel, int fd) throws ClosedChannelException {
        Source source = new Source(name, nameBytes, channel, fd, syslogSources.appliesTo(nameBytes), this);
        source.key = channel.register(selector, SelectionKey.OP_READ, source);
        source.addedNanos = clock.nowNanos();
        source.kind = kindOf(FdInspector.linkTarget(fd));
        sourceCount++;
        ledger.opened(source);
    }

    /** {@code socket:[ino]}, {@code pipe:[ino]}, or a FIFO's path. */
    private static String kindOf(String target) {
        return target == null ? "unknown" : target.startsWith("socket:") ? "socket"
                : target.startsWith("pipe:") ? "pipe" : "fifo";
    }

    /** Every source open now and the last ones closed, for statistics. */
    public SourceLedger ledger() {
        return ledger;
    }

    /** Sources open now. */
    public int sourceCount() {
        return sourceCount;
    }

    /** Whether read data or ready sources wait for the ring to have room. */
    public boolean hasUnread() {
        return stalled != null || !ready.isEmpty();
    }

    void queue(Source source) {
        if (!source.queued) {
            source.queued = true;
            ready.add(source);
        }
    }

    /**
     * Ingest waits for readers: turns off the read interest of every queued source, which
     * would otherwise wake the selector at once, round after round. A queued source needs no
     * selector: it is read in turn, and gets its interest back once a read leaves it empty.
     */
    public void park() {
        for (Source source : ready) {
            if (!source.parked && !source.closed) {
                source.parked = true;
                source.key.interestOps(0);
            }
        }
    }

    /**
     * Reads the queued sources in turn, each once, appending at most {@code budget} entries.
     *
     * @param budget entries the ring may take now (the hold policy's answer)
     */
    public void read(long budget) {
        appendBudget = budget;
        if (stalled != null) {
            if (appendBudget <= 0 || !splitter.split(stalled, readBuffer)) {
                return;
            }
            stalled = null;
        }
        // Only the sources queued before this round: one read per source per round.
        for (int queued = ready.size(); appendBudget > 0 && queued > 0; queued--) {
            Source source = ready.poll();
            source.queued = false;
            if (source.closed) {
                continue;
            }
            if (readOnce(source)) {
                // A full read: there is probably more. Back in the queue, last (read next
                // round), without waiting for the selector to say so; a parked source stays parked, so a busy
                // source costs no epoll_ctl per read while ingest waits for readers.
                queue(source);
            } else if (source.parked && !source.closed) {
                source.parked = false;
                source.key.interestOps(SelectionKey.OP_READ);
            }
            if (stalled != null) {
                return;
            }
        }
    }

    /** Reads the source once; returns true when the read filled the buffer. */
    private boolean readOnce(Source source) {
        int n;
        try {
            n = source.channel.read(readBuffer.clear());
        } catch (IOException e) {
            close(source, "read error: " + e.getMessage());
            return false;
        }
        if (n < 0) {
            splitter.endOfInput(source);
            close(source, null);
            return false;
        }
        if (n == 0) {
            // A stream at EOF reads -1, never 0; an fd that polls readable yet reads nothing
            // round after round (a datagram socket whose sender shut it down) would otherwise
            // keep the loop spinning.
            if (++source.emptyReads >= MAX_EMPTY_READS) {
                close(source, "it polls readable but has nothing to read (not a stream: a datagram socket?)");
            }
            return false;
        }
        source.emptyReads = 0;
        lineStamp = clock.nowNanos(); // one clock read per read(), not per line
        readTick = System.nanoTime();
        if (!splitter.split(source, readBuffer.flip())) {
            stalled = source; // the rest of this read is split once readers have made room
        }
        return n == readBuffer.capacity();
    }

    @Override
    public void line(Source source, ByteBuffer data, int index, int length, int flags) {
        if (rateLimit.burst > 0 && !admit(source)) {
            return;
        }
        if (source.syslogPrefix) {
            appendWithPriority(source, data, index, length, flags);
        } else {
            ring.append(lineStamp, source.nameBytes, source.nameBytes.length, data, index, length, flags);
        }
        source.lines++;
        source.bytes += length;
        if ((flags & RecordDescriptor.FLAG_TRUNCATED) != 0) {
            source.truncatedLines++;
        }
        appendBudget--;
    }

    /** A line of a -syslog-prefix source: its {@code <N>}, if it has one, becomes the record's priority. */
    private void appendWithPriority(Source source, ByteBuffer data, int index, int length, int flags) {
        int prefix = SyslogPriority.parsePrefix(data, index, length);
        if (prefix != SyslogPriority.NO_PREFIX) {
            int prefixLength = SyslogPriority.prefixLength(prefix);
            index += prefixLength;
            length -= prefixLength;
            flags |= RecordDescriptor.priFlags(SyslogPriority.pri(prefix));
        }
        ring.append(lineStamp, source.nameBytes, source.nameBytes.length, data, index, length, flags);
    }

    @Override
    public boolean full() {
        return appendBudget <= 0;
    }

    /** Whether the source may append this line under the rate limit; if not, the line is counted. */
    private boolean admit(Source source) {
        if (source.windowLines > 0 && readTick - source.windowStart >= rateLimit.intervalNanos) {
            if (source.suppressed > 0) {
                suppressing.remove(source);
            }
            endRateWindow(source, readTick);
        }
        if (source.windowLines == 0) {
            source.windowStart = readTick;
        }
        if (source.windowLines < rateLimit.burst) {
            source.windowLines++;
            return true;
        }
        source.suppressedLines++;
        if (source.suppressed++ == 0) {
            suppressing.add(source);
            ownLog.report("rate-limit", source + " wrote more than " + rateLimit.flags() + ": its lines are counted,"
                    + " not kept, until the interval ends; then an entry under its name says how many");
        }
        return false;
    }

    /**
     * Ends the rate limit window of every source whose window is over and that had lines
     * suppressed in it, appending the count under its name. The loop calls this every round,
     * so that the count arrives when the window ends, not only at the source's next line.
     *
     * @param now System.nanoTime
     */
    public void endRateWindows(long now) {
        if (suppressing.isEmpty()) {
            return;
        }
        for (Iterator<Source> it = suppressing.iterator(); it.hasNext();) {
            Source source = it.next();
            if (now - source.windowStart >= rateLimit.intervalNanos) {
                it.remove();
                endRateWindow(source, now);
            }
        }
    }

    /** When {@link #endRateWindows} next has something to do (System.nanoTime), or Long.MAX_VALUE. */
    public long nextRateWindowEnd() {
        long next = Long.MAX_VALUE;
        for (Source source : suppressing) {
            next = Math.min(next, source.windowStart + rateLimit.intervalNanos);
        }
        return next;
    }

    /** Closes the source's window: if it had lines suppressed, appends their count under its name. */
    private void endRateWindow(Source source, long now) {
        long suppressed = source.suppressed;
        source.suppressed = 0;
        source.windowLines = 0;
        if (suppressed == 0) {
            return;
        }
        long seconds = Math.max(1, (now - source.windowStart + 500_000_000L) / 1_000_000_000L);
        byte[] message = ("memlogd: suppressed " + suppressed + " lines of this source in the last " + seconds
                + " s (" + rateLimit.flags() + ")").getBytes(StandardCharsets.UTF_8);
        int length = Math.min(message.length, maxLineLength);
        ring.append(clock.nowNanos(), source.nameBytes, source.nameBytes.length, ByteBuffer.wrap(message), 0, length,
                RecordDescriptor.FLAG_SUPPRESSED);
        appendBudget--;
    }

    /** Closes a source's fd; {@code problem}, if any, goes to the daemon's log. */
    void close(Source source, String problem) {
        if (source.closed) {
            return;
        }
        if (source.suppressed > 0) {
            suppressing.remove(source);
            endRateWindow(source, System.nanoTime()); // its count, before it goes
        }
        source.closed = true;
        if (stalled == source) {
            stalled = null;
            problem = (problem == null ? "" : problem + "; ") + "the rest of its last read ("
                    + readBuffer.remaining() + " bytes) was dropped";
        }
        source.key.cancel();
        try {
            source.channel.close();
        } catch (IOException e) {
            // Already gone.
        }
        sourceCount--;
        source.closedNanos = clock.nowNanos();
        source.release();
        ledger.closed(source);
        if (problem != null) {
            ownLog.report("source-error", source + " closed after " + source.lines + " lines: " + problem);
        }
    }
}

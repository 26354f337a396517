package dev.memlogd.daemon.ingest;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;

import dev.memlogd.daemon.loop.KeyHandler;

/**
 * One received fd being read as a log source: its name, its channel, and the part of a line
 * that has not seen its newline yet. Attached to the source's selection key: when the fd is
 * readable the source joins {@link Ingest}'s queue. Event loop thread only.
 */
public final class Source implements KeyHandler {
    final String name;
    /** The name as stored in every record of this source (the bytes the sender sent). */
    final byte[] nameBytes;
    final Pipe.SourceChannel channel;
    final int fd;
    /**
     * Whether its lines' {@code <N>} syslog prefix is read ({@code -syslog-prefix}): decided
     * once, when the fd is registered, so that other sources pay nothing per line.
     */
    final boolean syslogPrefix;
    private final Ingest ingest;
    SelectionKey key;
    long lines;
    // Statistics (docs/diagnostics.md): counted per line with no allocation; read on request.
    long bytes;
    long truncatedLines;
    long suppressedLines;
    /** When it was added and closed (wall clock, ns since the epoch); closed 0 while open. */
    long addedNanos;
    long closedNanos;
    /** What the fd is: {@code socket}, {@code pipe} or {@code fifo}, from /proc at registration. */
    String kind = "unknown";
    /** Rounds in a row in which the fd polled readable yet gave no byte (see Ingest). */
    int emptyReads;
    // Rate limit state (see Ingest#admit): the window's start (System.nanoTime), lines appended
    // in it, and lines counted but not kept since the burst was used up.
    long windowStart;
    int windowLines;
    long suppressed;
    /** Whether the source is in the queue of sources to read. */
    boolean queued;
    /** Whether its key's read interest is off while ingest waits for readers (see Ingest#park). */
    boolean parked;
    boolean closed;

    // Line assembly state, used by LineSplitter.
    boolean partial;
    int overflow;
    byte firstOverflowByte;
    private ByteBuffer pending;

    Source(String name, byte[] nameBytes, Pipe.SourceChannel channel, int fd, boolean syslogPrefix, Ingest ingest) {
        this.name = name;
        this.nameBytes = nameBytes;
        this.channel = channel;
        this.fd = fd;
        this.syslogPrefix = syslogPrefix;
        this.ingest = ingest;
    }

    /** A source with no fd, for splitting lines alone (tests, benchmarks). */
    public static Source unattached(String name, byte[] nameBytes) {
        return new Source(name, nameBytes, null, -1, false, null);
    }

    /** The name as stored in every record of this source. */
    public byte[] nameBytes() {
        return nameBytes;
    }

    public String name() {
        return name;
    }

    public String kind() {
        return kind;
    }

    public boolean isOpen() {
        return !closed;
    }

    /** Lines appended to the ring (the rate limit's count entries not included). */
    public long lines() {
        return lines;
    }

    /** Bytes of those lines' messages, as kept (cut lines count what was kept). */
    public long bytes() {
        return bytes;
    }

    /** Lines cut at {@code -max-line-len}. */
    public long truncatedLines() {
        return truncatedLines;
    }

    /** Lines counted but not kept by the rate limit. */
    public long suppressedLines() {
        return suppressedLines;
    }

    public long addedNanos() {
        return addedNanos;
    }

    /** When it was closed; 0 while open. */
    public long closedNanos() {
        return closedNanos;
    }

    @Override
    public void onReady(SelectionKey key) {
        ingest.queue(this);
    }

    @Override
    public void abandon() {
        ingest.close(this, null);
    }

    boolean hasPartialLine() {
        return partial;
    }

    /** The pending-line buffer, allocated on the first partial line: most sources never need it. */
    ByteBuffer pending(int capacity) {
        if (pending == null) {
            pending = ByteBuffer.allocate(capacity);
        }
        return pending;
    }

    /** Frees the line buffer of a closed source, which statistics keep for its counters. */
    void release() {
        pending = null;
    }

    ByteBuffer pendingBuffer() {
        return pending;
    }

    @Override
    public String toString() {
        return "source '" + name + "' (fd " + fd + ")";
    }
}

package dev.memlogd.daemon;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;

/**
 * One received fd being read as a log source: its name, its channel, and the part of a
 * line that has not seen its newline yet. Owned by the event loop thread; attached to the
 * source's selection key.
 */
final class Source {
    final String name;
    /** The name as stored in every record of this source (UTF-8, sanitised). */
    final byte[] nameBytes;
    final Pipe.SourceChannel channel;
    final int fd;
    SelectionKey key;
    long lines;
    /** Rounds in a row in which the fd polled readable yet gave no byte (see EventLoop.readSource). */
    int emptyReads;
    /** Whether the source is in the loop's queue of sources to read. */
    boolean queued;
    boolean closed;

    // Line assembly state, used by LineSplitter.
    boolean partial;
    int overflow;
    byte firstOverflowByte;
    private ByteBuffer pending;

    Source(String name, byte[] nameBytes, Pipe.SourceChannel channel, int fd) {
        this.name = name;
        this.nameBytes = nameBytes;
        this.channel = channel;
        this.fd = fd;
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

    ByteBuffer pendingBuffer() {
        return pending;
    }

    @Override
    public String toString() {
        return "source '" + name + "' (fd " + fd + ")";
    }
}

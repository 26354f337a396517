package dev.memlogd.testkit;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketPair;

/**
 * A {@code socketpair(AF_UNIX, SOCK_STREAM)} whose reading end is to be sent to a log socket,
 * as LinuxKit's init does for an on-boot action: send {@link #readEnd()}, then
 * {@link #closeReadEnd()}, and write to {@link #writer()}.
 *
 * <p>It keeps the reading end's junixsocket channel reachable, not just its fd: junixsocket
 * closes a channel's fd when the channel is garbage-collected, so an fd whose channel was
 * dropped can be closed under the test at any moment (a send then fails with "Bad file
 * descriptor", or sends whatever fd reused the number). Once {@link #closeReadEnd()} has
 * closed the fd, that cleanup finds it invalid and does nothing.
 */
public final class UnsentPair implements AutoCloseable {
    private final AFUNIXSocketChannel writer;
    private final AFUNIXSocketChannel readEndChannel;
    private final FileDescriptor readEnd;

    private UnsentPair(AFUNIXSocketPair<AFUNIXSocketChannel> pair) throws IOException {
        this.writer = pair.getSocket1();
        this.readEndChannel = pair.getSocket2();
        this.readEnd = readEndChannel.getFileDescriptor();
    }

    /** A new socketpair, nothing sent yet. */
    public static UnsentPair open() throws IOException {
        return new UnsentPair(AFUNIXSocketPair.open());
    }

    /** The end to send; still open here until {@link #closeReadEnd()}. */
    public FileDescriptor readEnd() {
        return readEnd;
    }

    /**
     * Closes our copy of the sent end (the daemon has its own once the datagram is received).
     * Only the fd is closed: junixsocket's {@code close()} would {@code shutdown(2)} the socket,
     * which cuts off the daemon's copy too. Idempotent.
     */
    public void closeReadEnd() throws IOException {
        if (readEnd.valid()) {
            new FileInputStream(readEnd).close(); // closes the fd and invalidates readEnd
        }
        Reference.reachabilityFence(readEndChannel); // not collected (closing the fd) before this
    }

    /** The writing end (blocking). Closing it is the sent end's EOF, once {@link #closeReadEnd()} ran. */
    public AFUNIXSocketChannel writer() {
        return writer;
    }

    /** Writes {@code text} as UTF-8 to the writing end, all of it. */
    public void write(String text) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (buffer.hasRemaining()) {
            writer.write(buffer);
        }
    }

    /** Closes our copy of the read end, then the writing end. */
    @Override
    public void close() throws IOException {
        try {
            closeReadEnd();
        } finally {
            writer.close();
        }
    }
}

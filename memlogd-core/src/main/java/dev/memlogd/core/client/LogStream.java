package dev.memlogd.core.client;

import java.io.Closeable;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketPair;

/**
 * A stream whose bytes a memlogd reads as lines of one source, made the way LinuxKit's init
 * does for on-boot actions: a {@code socketpair(AF_UNIX, SOCK_STREAM)}, one end sent to the log
 * socket with {@link FdSender} under the source name, the other kept here for writing.
 *
 * <p><b>Fds.</b> {@link #open} closes this process's copy of the sent end at once (only its fd:
 * junixsocket's {@code close()} would {@code shutdown()} the socket and cut off the daemon's copy
 * too), so the daemon holds the only reading end. {@link #close()} closes the writing end; the
 * daemon then reads what is left and sees EOF. The socketpair's fds are not close-on-exec, but
 * {@link ProcessBuilder} closes every fd above 2 in its children.
 *
 * <p><b>Threads.</b> One thread writes; {@link #close()} may come from any thread. A write
 * blocks while the daemon does not read and the socket buffer is full.
 */
public final class LogStream implements Closeable {
    private final AFUNIXSocketChannel writer;

    private LogStream(AFUNIXSocketChannel writer) {
        this.writer = writer;
    }

    /**
     * Makes a socketpair, sends one end to {@code logSocket} as source {@code name}, and returns
     * the other end for writing.
     *
     * @throws NoDaemonException when nobody can be reached at {@code logSocket}; no fd is left open
     * @throws IOException when the socketpair cannot be made or the send fails; no fd is left open
     */
    public static LogStream open(Path logSocket, String name) throws IOException {
        AFUNIXSocketPair<AFUNIXSocketChannel> pair = AFUNIXSocketPair.open();
        AFUNIXSocketChannel writer = pair.getSocket1();
        AFUNIXSocketChannel sentEnd = pair.getSocket2();
        FileDescriptor sent = sentEnd.getFileDescriptor();
        try {
            FdSender.send(logSocket, name, sent);
        } catch (IOException | RuntimeException e) {
            closeFd(sent);
            writer.close();
            throw e;
        } finally {
            // junixsocket closes a channel's fd when the channel is garbage-collected: without
            // this, a GC between getSocket2() and the send closed the fd we were about to send
            // (or let the number be reused by another fd, which would then be sent instead).
            Reference.reachabilityFence(sentEnd);
        }
        closeFd(sent);
        Reference.reachabilityFence(sentEnd); // ...and until our copy is closed by hand
        return new LogStream(writer);
    }

    private static void closeFd(FileDescriptor fd) throws IOException {
        // Closes the fd (and marks the FileDescriptor invalid) without shutdown(2).
        new FileInputStream(fd).close();
    }

    /**
     * Writes all of {@code bytes[offset, offset + length)}, blocking as needed.
     *
     * @throws IOException when the daemon has gone away (broken pipe) or the stream is closed
     */
    public void write(byte[] bytes, int offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
        while (buffer.hasRemaining()) {
            writer.write(buffer);
        }
    }

    /** Closes the writing end: the daemon reads what is left, then sees EOF. Idempotent. */
    @Override
    public void close() throws IOException {
        writer.close();
    }
}

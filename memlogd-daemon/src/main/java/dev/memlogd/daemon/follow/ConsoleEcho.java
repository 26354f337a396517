package dev.memlogd.daemon.follow;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;

/**
 * Prints entries on stdout in logread's format, as LinuxKit's memlogd does, without ever
 * letting a slow console stall ingest.
 *
 * <p>LinuxKit writes each entry to the console synchronously, so a stalled console stalls
 * the daemon. Here the console is just another {@link Follower} of the ring, whose channel
 * is the non-blocking sink of a pipe; one thread copies the pipe to stdout with blocking
 * writes. Memory is bounded by the follower's buffer plus the pipe's; when stdout stalls long
 * enough for the ring to lap it, the console prints a {@code memlogd} line saying how many
 * entries it skipped (no silent loss).
 */
public final class ConsoleEcho {
    private final Pipe pipe;
    private final Thread copier;

    private ConsoleEcho(Pipe pipe, OutputStream stdout) {
        this.pipe = pipe;
        this.copier = new Thread(() -> copy(stdout), "memlogd-console");
        copier.setDaemon(true);
    }

    /** Starts the copier thread; {@link #sink()} is then the follower's channel. */
    public static ConsoleEcho start() throws IOException {
        Pipe pipe = Pipe.open();
        pipe.sink().configureBlocking(false);
        ConsoleEcho echo = new ConsoleEcho(pipe, new FileOutputStream(FileDescriptor.out));
        echo.copier.start();
        return echo;
    }

    public Pipe.SinkChannel sink() {
        return pipe.sink();
    }

    private void copy(OutputStream stdout) {
        ByteBuffer buf = ByteBuffer.allocate(16 << 10);
        try (Pipe.SourceChannel source = pipe.source()) {
            while (source.read(buf.clear()) >= 0) {
                stdout.write(buf.array(), 0, buf.position());
                stdout.flush();
            }
        } catch (IOException e) {
            // stdout is gone: closing the pipe's read end makes the follower's next write fail,
            // and the loop drops it instead of lapping it forever.
        }
    }
}

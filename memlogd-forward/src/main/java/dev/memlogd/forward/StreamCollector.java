package dev.memlogd.forward;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * TCP (RFC 6587 octet counting: {@code LENGTH SP MESSAGE}) or TLS (RFC 5425, the same framing
 * inside TLS) to the collector. A watcher thread reads the connection: a syslog collector sends
 * nothing, so anything it reads is the end (EOF: the collector closed; an exception: reset or
 * TLS alert), which it records for {@link #broken()} and reports through {@code onBroken}.
 * Nothing is acknowledged: a message counts as {@link #acknowledged received} once it was
 * flushed at least the window ago and the connection has shown no error or close.
 * The socket is blocking: a collector that stops reading holds the forwarder (and so, within
 * its in-flight bound, its reading of memlogd) rather than anything being dropped.
 */
final class StreamCollector implements Collector {
    private final Socket socket;
    private final OutputStream out;
    private final String describe;
    private final CountDownLatch closedByPeer = new CountDownLatch(1);
    private final long windowNanos;
    /** Flushes not yet older than the window: how many messages were sent by then, and when. */
    private final ArrayDeque<Flushed> flushes = new ArrayDeque<>();
    private long sent;
    private long acknowledged;
    private volatile String broken;
    private volatile boolean closing;

    private record Flushed(long sent, long nanos) {
    }

    /** @param windowNanos how long after its flush a message counts as received (-ack-window) */
    StreamCollector(Socket socket, String describe, long windowNanos, Runnable onBroken) throws IOException {
        this.socket = socket;
        this.windowNanos = windowNanos;
        this.describe = describe;
        this.out = new BufferedOutputStream(socket.getOutputStream(), 64 << 10);
        InputStream in = socket.getInputStream();
        Thread watcher = new Thread(() -> {
            byte[] buffer = new byte[512];
            String why;
            try {
                while (in.read(buffer) >= 0) {
                    // A syslog collector has nothing to say; ignore whatever it sends.
                }
                why = describe + " closed the connection";
                closedByPeer.countDown();
            } catch (IOException e) {
                why = describe + ": " + e.getMessage();
            }
            if (!closing) {
                broken = why;
                onBroken.run();
            }
        }, "collector-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }

    @Override
    public void send(byte[] message) throws IOException {
        try {
            out.write((message.length + " ").getBytes(StandardCharsets.US_ASCII));
            out.write(message);
        } catch (IOException e) {
            throw failed(e);
        }
        sent++;
    }

    @Override
    public void flush() throws IOException {
        try {
            out.flush();
        } catch (IOException e) {
            throw failed(e);
        }
        if (flushes.isEmpty() ? sent > acknowledged : sent > flushes.peekLast().sent()) {
            flushes.add(new Flushed(sent, System.nanoTime()));
        }
    }

    /** A write failed: the connection is broken from now (nothing more ages into acknowledged). */
    private IOException failed(IOException e) {
        if (broken == null) {
            broken = describe + ": " + e.getMessage();
        }
        return e;
    }

    @Override
    public long acknowledged(long nowNanos) {
        while (broken == null && !flushes.isEmpty() && nowNanos - flushes.peek().nanos() >= windowNanos) {
            acknowledged = flushes.poll().sent();
        }
        return acknowledged;
    }

    @Override
    public String broken() {
        return broken;
    }

    @Override
    public boolean drain(long millis) throws IOException {
        out.flush();
        closing = true;
        socket.shutdownOutput(); // TLS: close_notify, then the collector closes its side
        try {
            return closedByPeer.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        closing = true;
        socket.close();
    }
}

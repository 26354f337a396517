package dev.memlogd.forward;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * TCP (RFC 6587 octet counting: {@code LENGTH SP MESSAGE}) or TLS (RFC 5425, the same framing
 * inside TLS) to the collector. A watcher thread reads the connection: a syslog collector sends
 * nothing, so anything it reads is the end (EOF: the collector closed; an exception: reset or
 * TLS alert), which it records for {@link #broken()} and reports through {@code onBroken}.
 * The socket is blocking: a collector that stops reading holds the forwarder (and so, within
 * its in-flight bound, its reading of memlogd) rather than anything being dropped.
 */
final class StreamCollector implements Collector {
    private final Socket socket;
    private final OutputStream out;
    private final CountDownLatch closedByPeer = new CountDownLatch(1);
    private volatile String broken;
    private volatile boolean closing;

    StreamCollector(Socket socket, String describe, Runnable onBroken) throws IOException {
        this.socket = socket;
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
        out.write((message.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.write(message);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public String broken() {
        return broken;
    }

    @Override
    public boolean lossy() {
        return false;
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

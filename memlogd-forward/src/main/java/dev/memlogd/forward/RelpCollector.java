package dev.memlogd.forward;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.memlogd.core.cli.VersionProvider;

/**
 * RELP (librelp's {@code doc/relp.md}; rsyslog's {@code imrelp}) to the collector, plain or
 * inside TLS: each message is a {@code syslog} command the collector answers {@code 200 OK}
 * once it has it, in order, so {@link #acknowledged} counts exactly what it confirmed. At most
 * {@code window} messages are sent and not yet answered; {@link #send} waits beyond that.
 *
 * <p>A reader thread takes the answers. Anything but {@code 200 OK} for the oldest message
 * outstanding ends the connection: a {@code 500}, an answer out of order, the server's
 * {@code serverclose} hint, EOF, an error or bytes that are not RELP. It records why for
 * {@link #broken()} and reports through {@code onEvent}; what was not answered is to be sent
 * again on a new session (RELP's own recovery: "unacked frames are considered unsuccessful").
 *
 * <p>{@link #send}, {@link #flush}, {@link #drain} and {@link #acknowledged} on the forwarder's
 * thread; {@link #broken()} and {@link #close()} from any. Owns the socket.
 */
final class RelpCollector implements Collector {
    /** The answer to {@code open} carries the server's offers: far less than this. */
    private static final int MAX_ANSWER_BYTES = 64 << 10;

    private final Socket socket;
    private final OutputStream out;
    private final String describe;
    private final int window;
    private final Runnable onEvent;
    private final RelpFrame.Parser parser = new RelpFrame.Parser(MAX_ANSWER_BYTES);
    /** The reader waits here for nothing; the sender waits here for room in the window. */
    private final Object room = new Object();
    private final CountDownLatch closeAnswered = new CountDownLatch(1);
    private int nextTxnr;
    /** Messages framed on this session (written by the forwarder's thread; read by the reader to check answers). */
    private volatile long sent;
    /** Messages answered 200 OK, in order (written by the reader thread only). */
    private volatile long acknowledged;
    /** The txnr of the oldest command not answered (reader thread). */
    private int expectedTxnr;
    /** The txnr of {@code close} once sent, else -1. */
    private volatile int closeTxnr = -1;
    private volatile boolean closeOk;
    private volatile boolean wakeRequested;
    private volatile String broken;
    private volatile boolean closing;

    private RelpCollector(Socket socket, String describe, int window, Runnable onEvent) throws IOException {
        this.socket = socket;
        this.out = new BufferedOutputStream(socket.getOutputStream(), 64 << 10);
        this.describe = describe;
        this.window = window;
        this.onEvent = onEvent;
    }

    /**
     * Opens a RELP session on a connected socket (TLS: after its handshake): {@code open}
     * offering {@code syslog}, then waits up to {@code timeoutMillis} for the collector's
     * {@code 200 OK} naming {@code syslog} among its commands.
     *
     * @param maxMessageBytes the longest message that will be sent (checked nowhere else: the
     *                        collector's {@code maxDataSize} must take it)
     * @throws IOException the collector refused the session, or did not answer in time, or not in RELP
     */
    static RelpCollector open(Socket socket, String describe, int window, int maxMessageBytes, int timeoutMillis,
            Runnable onEvent) throws IOException {
        socket.setTcpNoDelay(true); // a window of commands and answers: Nagle would only add waits
        RelpCollector relp = new RelpCollector(socket, describe, window, onEvent);
        relp.handshake(timeoutMillis);
        Thread reader = new Thread(relp::readAnswers, "relp-reader");
        reader.setDaemon(true);
        reader.start();
        return relp;
    }

    private void handshake(int timeoutMillis) throws IOException {
        String offers = "relp_version=0\nrelp_software=memlogd-forward," + VersionProvider.version()
                + "\ncommands=" + RelpFrame.SYSLOG;
        RelpFrame.write(out, 1, RelpFrame.OPEN, offers.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        RelpFrame[] answer = new RelpFrame[1];
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        socket.setSoTimeout(timeoutMillis);
        try {
            while (answer[0] == null) {
                int n = in.read(buffer);
                if (n < 0) {
                    throw new IOException(describe + " closed the connection instead of answering RELP's open"
                            + " (not a RELP listener?)");
                }
                parser.feed(buffer, 0, n, frame -> {
                    if (answer[0] != null) {
                        throw new IOException(describe + " sent more than its answer to open: " + frame.command());
                    }
                    answer[0] = frame;
                });
            }
        } catch (SocketTimeoutException e) {
            throw new IOException(describe + " did not answer RELP's open within " + timeoutMillis + " ms", e);
        }
        socket.setSoTimeout(0);
        RelpFrame rsp = answer[0];
        if (!rsp.command().equals(RelpFrame.RSP) || rsp.txnr() != 1) {
            throw new IOException(describe + " answered open with '" + rsp.txnr() + " " + rsp.command() + "'");
        }
        if (rsp.status() != RelpFrame.STATUS_OK) {
            throw new IOException(describe + " refused the RELP session: " + rsp.statusLine());
        }
        String commands = null;
        boolean version = false;
        for (String offer : rsp.afterStatusLine().split("\n")) {
            version |= offer.startsWith("relp_version=");
            if (offer.startsWith("commands=")) {
                commands = offer.substring("commands=".length());
            }
        }
        if (!version || commands == null || !Arrays.asList(commands.split(",")).contains(RelpFrame.SYSLOG)) {
            throw new IOException(describe + " opened a RELP session without relp_version or the syslog command: "
                    + rsp.afterStatusLine().replace('\n', ' ').strip());
        }
        nextTxnr = RelpFrame.next(1);
        expectedTxnr = nextTxnr;
    }

    @Override
    public void send(byte[] message) throws IOException {
        if (sent - acknowledged >= window) {
            awaitRoom();
        }
        RelpFrame.write(out, nextTxnr, RelpFrame.SYSLOG, message);
        nextTxnr = RelpFrame.next(nextTxnr);
        sent++;
    }

    /** The window is full: what is buffered must reach the collector for it to answer, then wait. */
    private void awaitRoom() throws IOException {
        out.flush();
        synchronized (room) {
            while (sent - acknowledged >= window && broken == null && !closing) {
                try {
                    room.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(describe + ": interrupted while waiting for acknowledgements", e);
                }
            }
        }
        if (broken != null) {
            throw new IOException(broken);
        }
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public boolean acknowledgesEachMessage() {
        return true;
    }

    @Override
    public long acknowledged(long nowNanos) {
        return acknowledged;
    }

    @Override
    public void wakeOnAcknowledgement() {
        wakeRequested = true;
    }

    @Override
    public String broken() {
        return broken;
    }

    /** {@code close}, then its answer, which the collector sends after every other (RELP answers in order). */
    @Override
    public boolean drain(long millis) throws IOException {
        closing = true; // from here the session's end is expected; a failure shows as no answer to close
        closeTxnr = nextTxnr;
        RelpFrame.write(out, nextTxnr, RelpFrame.CLOSE, new byte[0]);
        out.flush();
        try {
            closeAnswered.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return closeOk;
    }

    @Override
    public void close() throws IOException {
        closing = true;
        synchronized (room) {
            room.notifyAll();
        }
        socket.close();
    }

    /** The reader thread: answers until the connection ends; then says why, unless closing. */
    private void readAnswers() {
        byte[] buffer = new byte[8192];
        String why;
        try {
            InputStream in = socket.getInputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                long before = acknowledged;
                parser.feed(buffer, 0, n, this::answer);
                if (acknowledged != before) {
                    synchronized (room) {
                        room.notifyAll();
                    }
                    if (wakeRequested) {
                        wakeRequested = false;
                        onEvent.run();
                    }
                }
            }
            why = describe + " closed the connection" + (parser.idle() ? "" : " in the middle of a frame");
        } catch (IOException e) {
            why = describe + ": " + e.getMessage();
        }
        closeAnswered.countDown();
        if (!closing) {
            broken = why;
            synchronized (room) {
                room.notifyAll();
            }
            onEvent.run();
        }
    }

    private void answer(RelpFrame frame) throws IOException {
        if (frame.txnr() == RelpFrame.HINT_TXNR && frame.command().equals(RelpFrame.SERVERCLOSE)) {
            throw new IOException("closed the RELP session (serverclose) with " + (sent - acknowledged)
                    + " messages not acknowledged");
        }
        if (!frame.command().equals(RelpFrame.RSP)) {
            throw new IOException("sent the command '" + frame.command() + "' (txnr " + frame.txnr()
                    + "), which a RELP client does not take");
        }
        if (frame.txnr() != expectedTxnr) {
            throw new IOException("answered txnr " + frame.txnr() + " when txnr " + expectedTxnr
                    + " was the oldest outstanding (RELP answers in order)");
        }
        if (frame.txnr() == closeTxnr) {
            closeOk = true; // librelp answers close with no status at all; it closes the session next
            closeAnswered.countDown();
        } else {
            if (frame.status() != RelpFrame.STATUS_OK) {
                throw new IOException("refused message txnr " + frame.txnr() + ": " + frame.statusLine());
            }
            if (acknowledged >= sent) {
                throw new IOException("answered txnr " + frame.txnr() + ", which was never sent");
            }
            acknowledged++; // only this thread writes it
        }
        expectedTxnr = RelpFrame.next(expectedTxnr);
    }
}

package dev.memlogd.core.client;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.memlogd.core.wire.EntryJsonParser;
import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.core.wire.QueryRequest;

/**
 * Follows memlogd for as long as a program runs, resuming exactly: the one implementation of
 * "follow with exact resume" that logwrite and memlogd-forward share (docs/protocol.md,
 * section 5). It connects, asks for dump then follow after the {@link Listener#resumePosition()
 * resume position} of the daemon that gave it out, identity first; hands each entry to the
 * {@link Listener}; tells it when memlogd restarted (the identity changed) and when entries were
 * lost (a notice with {@code lost}); and when memlogd goes away reconnects with a doubling wait
 * capped at {@code retryMaxMillis} (never a busy loop).
 *
 * <p>LinuxKit's memlogd never answers the extended query: after {@code probeMillis} of silence
 * the follower says so once and uses LinuxKit's dump+follow (mode 2), which has no seq and no
 * identity, so a reconnect delivers the ring again.
 *
 * <p>Threads: {@link #run()} and every {@link Listener} call on one thread; {@link #requestStop()}
 * and {@link #wakeup()} from any thread. {@link #reconnect()} and {@link #pause(long)} from the
 * listener (the running thread). The follower owns its connection and its selector.
 */
public final class ResumingFollower {
    private static final long FIRST_RETRY_MILLIS = 100;

    /**
     * What the follower feeds. Every call on the follower's thread; an IOException thrown by one
     * ends the current connection (then the follower reconnects after its wait).
     */
    public interface Listener {
        /** Where to resume, asked before every connection. */
        ResumePosition resumePosition();

        /** Called before every attempt to reach memlogd (the forwarder makes sure of its collector here). */
        default void connecting() throws IOException {
        }

        /**
         * The fast path: one of memlogd's lines, {@code line[from, to)} without its newline, before
         * any parsing. Answer true when it was handled as an ordinary entry; false (the default)
         * makes the follower parse it and call {@link #entry} or its notices.
         *
         * @param linuxKit whether the daemon is LinuxKit's (then entries have no seq)
         */
        default boolean entryLine(byte[] line, int from, int to, boolean linuxKit) throws IOException {
            return false;
        }

        /** One entry (an ordinary line not taken by {@link #entryLine}). */
        void entry(LogEntry entry) throws IOException;

        /**
         * The daemon's identity, first line of every connection with our memlogd.
         *
         * @param restarted whether it differs from the resume position's (memlogd restarted:
         *                  what the old daemon held after the position's seq may be missing)
         * @param previous  the position asked for
         */
        void identity(String daemon, boolean restarted, ResumePosition previous) throws IOException;

        /** A notice saying {@code count} entries were evicted before this reader got them. */
        void lost(long count, LogEntry notice) throws IOException;

        /** The end of one read from memlogd (a batch of entries): a place to flush. */
        default void batchEnd() throws IOException {
        }

        /** Every {@code tickMillis} while connected, data or not. */
        default void tick() throws IOException {
        }

        /** Whether the follower may read now; false holds the stream (memlogd keeps the entries). */
        default boolean readable() {
            return true;
        }

        /** After every connection, whatever ended it. */
        default void disconnected() throws IOException {
        }
    }

    /**
     * @param socket         memlogd's query socket
     * @param retryMaxMillis the longest wait between two attempts to reach memlogd
     * @param probeMillis    how long memlogd may take to answer the extended query before it is
     *                       taken for LinuxKit's
     * @param tickMillis     how often {@link Listener#tick()} is called
     */
    public record Options(Path socket, long retryMaxMillis, long probeMillis, long tickMillis) {
    }

    private final Options options;
    private final Listener listener;
    private final ProgramLog log;
    private final Selector selector;
    private final ByteBuffer in = ByteBuffer.allocate(64 << 10);
    /** The line being assembled (a line may span reads). */
    private byte[] line = new byte[8192];
    private int lineLength;
    private volatile boolean stopping;
    private boolean reconnectRequested;
    /** memlogd did not answer the extended query: it is LinuxKit's. */
    private boolean linuxKit;
    private boolean awaitingIdentity;
    private ResumePosition asked = ResumePosition.START;
    private long lastTick = System.nanoTime();

    public ResumingFollower(Options options, Listener listener, ProgramLog log) throws IOException {
        this.options = options;
        this.listener = listener;
        this.log = log;
        this.selector = Selector.open();
    }

    /** Asks {@link #run} to return after the current batch (any thread). */
    public void requestStop() {
        stopping = true;
        selector.wakeup();
    }

    /** Whether {@link #requestStop()} was called. */
    public boolean stopping() {
        return stopping;
    }

    /** Makes the follower look at its listener again now (any thread): {@link Listener#readable()}, a tick. */
    public void wakeup() {
        selector.wakeup();
    }

    /**
     * Ends the current connection after this batch and connects again at once, asking for the
     * {@link Listener#resumePosition()} then current (listener's thread). Lines still in this read
     * are not handed on.
     */
    public void reconnect() {
        reconnectRequested = true;
    }

    /** Whether the daemon is LinuxKit's (it did not answer the extended query). */
    public boolean linuxKit() {
        return linuxKit;
    }

    /** Waits {@code millis}, or less when {@link #requestStop()} or {@link #wakeup()} is called (listener's thread). */
    public void pause(long millis) throws IOException {
        selector.select(Math.max(1, millis));
        selector.selectedKeys().clear();
    }

    /** Follows memlogd until {@link #requestStop()}; closes the selector. */
    public void run() throws IOException {
        long retry = FIRST_RETRY_MILLIS;
        try {
            while (!stopping) {
                boolean delivered;
                try {
                    listener.connecting();
                    if (stopping) {
                        break;
                    }
                    try (SocketChannel channel = connect()) {
                        log.clear("unreachable");
                        delivered = follow(channel);
                    }
                } catch (IOException e) {
                    log.sayOnce("unreachable", "cannot reach memlogd at " + options.socket() + ": " + e.getMessage()
                            + "; retrying, at least every " + options.retryMaxMillis() + " ms");
                    delivered = false;
                }
                listener.disconnected();
                if (stopping) {
                    break;
                }
                if (reconnectRequested) {
                    reconnectRequested = false;
                    continue;
                }
                retry = delivered ? FIRST_RETRY_MILLIS : Math.min(options.retryMaxMillis(), retry * 2);
                pause(retry); // returns at once on requestStop()
            }
        } finally {
            selector.close();
        }
    }

    private SocketChannel connect() throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(options.socket()));
            ByteBuffer request = ByteBuffer.wrap(request());
            while (request.hasRemaining()) {
                channel.write(request);
            }
            channel.configureBlocking(false);
            return channel;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    private byte[] request() {
        awaitingIdentity = !linuxKit;
        if (linuxKit) {
            return new byte[] {LinuxKit.MODE_DUMP_FOLLOW};
        }
        asked = listener.resumePosition();
        QueryRequest request = asked.daemon() == null
                ? new QueryRequest(true, true, -1, -1, List.of(), true, null)
                : new QueryRequest(true, true, Math.max(0, asked.seq()), -1, List.of(), true, asked.daemon());
        byte[] json = request.toJson().getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[json.length + 2];
        bytes[0] = LinuxKit.MODE_QUERY;
        System.arraycopy(json, 0, bytes, 1, json.length);
        bytes[bytes.length - 1] = '\n';
        return bytes;
    }

    /**
     * Reads until memlogd closes the connection, it fails, a reconnect is asked for, or the
     * follower stops.
     *
     * @return whether memlogd sent anything (so the next attempt need not back off)
     */
    private boolean follow(SocketChannel channel) throws IOException {
        SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
        long probeDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.probeMillis());
        boolean delivered = false;
        lineLength = 0;
        try {
            while (!stopping && !reconnectRequested) {
                long now = System.nanoTime();
                if (awaitingIdentity && now - probeDeadline >= 0) {
                    linuxKit = true;
                    log.say("memlogd at " + options.socket() + " does not answer the extended query within "
                            + options.probeMillis() + " ms: taking it for LinuxKit's; following with dump+follow,"
                            + " which cannot resume exactly (a reconnect delivers its ring again)");
                    return true;
                }
                boolean readable = listener.readable();
                key.interestOps(readable ? SelectionKey.OP_READ : 0); // held: no wakeup for data left unread
                selector.select(timeoutMillis(now, probeDeadline));
                selector.selectedKeys().clear();
                int n = 0;
                if (readable) {
                    while (!reconnectRequested && (n = channel.read(in.clear())) > 0) {
                        delivered = true;
                        lines(in.flip());
                        if (!listener.readable()) {
                            break;
                        }
                    }
                    listener.batchEnd();
                }
                if (System.nanoTime() - lastTick >= TimeUnit.MILLISECONDS.toNanos(options.tickMillis())) {
                    tick();
                }
                if (n < 0) {
                    log.say("memlogd at " + options.socket() + " closed the connection; reconnecting");
                    return delivered;
                }
            }
            return delivered;
        } finally {
            key.cancel();
        }
    }

    private long timeoutMillis(long now, long probeDeadline) {
        long until = lastTick + TimeUnit.MILLISECONDS.toNanos(options.tickMillis());
        if (awaitingIdentity) {
            until = Math.min(until, probeDeadline);
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - now) + 1);
    }

    private void tick() throws IOException {
        lastTick = System.nanoTime();
        listener.tick();
    }

    /**
     * Hands each complete line of {@code bytes} on; keeps a line cut at the end of the read.
     * A line whole in the read is parsed where it is; only one cut by the read is copied.
     */
    private void lines(ByteBuffer bytes) throws IOException {
        byte[] a = bytes.array();
        int pos = bytes.position();
        int limit = bytes.limit();
        while (pos < limit && !reconnectRequested) {
            int newline = pos;
            while (newline < limit && a[newline] != '\n') {
                newline++;
            }
            if (newline == limit) {
                keep(a, pos, limit - pos);
                return;
            }
            if (lineLength == 0) {
                line(a, pos, newline);
            } else {
                keep(a, pos, newline - pos);
                line(line, 0, lineLength);
                lineLength = 0;
            }
            pos = newline + 1;
        }
    }

    /** One line: by the listener's fast path when it takes it, anything else (identity, notices) parsed. */
    private void line(byte[] a, int from, int to) throws IOException {
        if (awaitingIdentity || !listener.entryLine(a, from, to, linuxKit)) {
            entry(new String(a, from, to - from, StandardCharsets.UTF_8));
        }
    }

    private void keep(byte[] a, int from, int length) throws IOException {
        if (lineLength + length > QueryClient.MAX_LINE_BYTES) {
            throw new IOException("a line from " + options.socket() + " exceeds " + QueryClient.MAX_LINE_BYTES
                    + " bytes: not memlogd");
        }
        if (lineLength + length > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + length));
        }
        System.arraycopy(a, from, line, lineLength, length);
        lineLength += length;
    }

    private void entry(String text) throws IOException {
        LogEntry entry;
        try {
            entry = EntryJsonParser.parse(text);
        } catch (IllegalArgumentException e) {
            log.say("skipped a line from memlogd that is not an entry: " + e.getMessage());
            return;
        }
        if (awaitingIdentity) {
            awaitingIdentity = false;
            if (entry.daemon() == null) {
                throw new IOException("memlogd's first line is not its identity: " + text);
            }
            identity(entry.daemon());
            return;
        }
        if (entry.seq() < 0 && !linuxKit && LinuxKit.SOURCE_MEMLOGD.equals(entry.source())) {
            if (entry.lost() > 0) {
                listener.lost(entry.lost(), entry);
            }
            log.say("memlogd: " + entry.msg());
            return;
        }
        listener.entry(entry);
    }

    private void identity(String daemon) throws IOException {
        boolean restarted = asked.daemon() != null && !asked.daemon().equals(daemon);
        if (restarted) {
            log.say("memlogd restarted (identity " + asked.daemon() + ", now " + daemon + ")");
        }
        listener.identity(daemon, restarted, asked);
        ResumePosition now = listener.resumePosition();
        log.say("following memlogd at " + options.socket() + " (identity " + daemon + ")"
                + (now.seq() >= 0 ? " after seq " + now.seq() : " from its oldest entry"));
    }
}

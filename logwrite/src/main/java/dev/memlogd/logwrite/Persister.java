package dev.memlogd.logwrite;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import dev.memlogd.core.client.QueryClient;
import dev.memlogd.core.wire.EntryJsonParser;
import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.core.wire.QueryRequest;

/**
 * Follows memlogd and hands every entry to the {@link LogDir}, for as long as logwrite runs:
 * connects, resumes, reads, writes in batches, checkpoints at most every {@code -sync} ms, and
 * when memlogd goes away reconnects with a capped backoff (never a busy loop).
 *
 * <p>With our memlogd the request is the extended query: dump then follow, after the
 * checkpointed seq of the daemon that gave it out, identity first. The identity says whether
 * memlogd restarted since (then every file gets a marker: what the old daemon held after that
 * seq is gone); a notice with {@code lost} (entries evicted before they could be written) gets
 * a marker with the count. LinuxKit's memlogd never answers the extended query: after
 * {@code probeMillis} of silence logwrite says so once and uses LinuxKit's dump+follow, which
 * has no seq: a reconnect then writes the ring again.
 *
 * <p>One thread; {@link #requestStop()} from any thread.
 */
final class Persister {
    private static final long FIRST_RETRY_MILLIS = 100;

    private final LogwriteOptions options;
    private final LogDir dir;
    private final Log log;
    private final Selector selector;
    private final ByteBuffer in = ByteBuffer.allocate(64 << 10);
    /** The line being assembled (a line may span reads). */
    private byte[] line = new byte[8192];
    private int lineLength;
    private final JsonEntryBytes fast = new JsonEntryBytes();
    private volatile boolean stopping;
    /** memlogd did not answer the extended query: it is LinuxKit's. */
    private boolean linuxKit;
    private boolean awaitingIdentity;
    private long lastSync = System.nanoTime();

    Persister(LogwriteOptions options, LogDir dir, Log log) throws IOException {
        this.options = options;
        this.dir = dir;
        this.log = log;
        this.selector = Selector.open();
    }

    /** Asks {@link #run} to stop after a last checkpoint (any thread). */
    void requestStop() {
        stopping = true;
        selector.wakeup();
    }

    /** Follows memlogd until {@link #requestStop()}, then checkpoints and closes the files. */
    void run() throws IOException {
        long retry = FIRST_RETRY_MILLIS;
        try {
            while (!stopping) {
                boolean delivered;
                try (SocketChannel channel = connect()) {
                    log.clear("unreachable");
                    delivered = follow(channel);
                } catch (IOException e) {
                    log.sayOnce("unreachable", "cannot reach memlogd at " + options.socket() + ": " + e.getMessage()
                            + "; retrying, at least every " + options.retryMaxMillis() + " ms");
                    delivered = false;
                }
                dir.checkpoint();
                if (stopping) {
                    break;
                }
                retry = delivered ? FIRST_RETRY_MILLIS : Math.min(options.retryMaxMillis(), retry * 2);
                selector.select(retry); // returns at once on requestStop()
            }
        } finally {
            dir.close();
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
        QueryRequest request = dir.daemon() == null
                ? new QueryRequest(true, true, -1, -1, java.util.List.of(), true, null)
                : new QueryRequest(true, true, Math.max(0, dir.seq()), -1, java.util.List.of(), true, dir.daemon());
        byte[] json = request.toJson().getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[json.length + 2];
        bytes[0] = LinuxKit.MODE_QUERY;
        System.arraycopy(json, 0, bytes, 1, json.length);
        bytes[bytes.length - 1] = '\n';
        return bytes;
    }

    /**
     * Reads until memlogd closes the connection, it fails, or logwrite stops.
     *
     * @return whether memlogd sent anything (so the next attempt need not back off)
     */
    private boolean follow(SocketChannel channel) throws IOException {
        SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
        long probeDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.probeMillis());
        boolean delivered = false;
        lineLength = 0;
        try {
            while (!stopping) {
                long now = System.nanoTime();
                if (awaitingIdentity && now - probeDeadline >= 0) {
                    linuxKit = true;
                    log.say("memlogd at " + options.socket() + " does not answer the extended query within "
                            + options.probeMillis() + " ms: taking it for LinuxKit's; following with dump+follow,"
                            + " which cannot resume exactly (a reconnect writes its ring again)");
                    return true;
                }
                selector.select(timeoutMillis(now, probeDeadline));
                selector.selectedKeys().clear();
                int n;
                while ((n = channel.read(in.clear())) > 0) {
                    delivered = true;
                    lines(in.flip());
                }
                dir.flush();
                if (System.nanoTime() - lastSync >= TimeUnit.MILLISECONDS.toNanos(options.syncMillis())) {
                    sync();
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
        long until = lastSync + TimeUnit.MILLISECONDS.toNanos(options.syncMillis());
        if (awaitingIdentity) {
            until = Math.min(until, probeDeadline);
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - now) + 1);
    }

    private void sync() {
        dir.checkpoint();
        lastSync = System.nanoTime();
    }

    /**
     * Hands each complete line of {@code bytes} on; keeps a line cut at the end of the read.
     * A line whole in the read is parsed where it is; only one cut by the read is copied.
     */
    private void lines(ByteBuffer bytes) throws IOException {
        byte[] a = bytes.array();
        int pos = bytes.position();
        int limit = bytes.limit();
        while (pos < limit) {
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

    /**
     * One line: an ordinary entry by the fast path, anything else (identity, notices: from our
     * daemon, a line without seq) parsed.
     */
    private void line(byte[] a, int from, int to) throws IOException {
        if (!awaitingIdentity && fast.parse(a, from, to) && (linuxKit || fast.seq >= 0)) {
            dir.append(fast);
        } else {
            entry(new String(a, from, to - from, StandardCharsets.UTF_8));
        }
    }

    private void keep(byte[] a, int from, int length) throws IOException {
        if (lineLength + length > QueryClient.MAX_LINE_BYTES) {
            throw new IOException("a line from " + options.socket() + " exceeds " + QueryClient.MAX_LINE_BYTES
                    + " bytes: not memlogd");
        }
        if (lineLength + length > line.length) {
            line = java.util.Arrays.copyOf(line, Math.max(line.length * 2, lineLength + length));
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
            notice(entry);
            return;
        }
        dir.append(entry);
    }

    private void identity(String daemon) throws IOException {
        String before = dir.daemon();
        if (before != null && !before.equals(daemon)) {
            dir.marker("memlogd restarted: entries after seq " + dir.seq() + " of the previous daemon may be missing");
            log.say("memlogd restarted (identity " + before + ", now " + daemon + "); marker written");
            dir.daemon(daemon, -1);
        } else if (before == null) {
            dir.daemon(daemon, -1);
        }
        log.say("following memlogd at " + options.socket() + " (identity " + daemon + ")"
                + (dir.seq() >= 0 ? " after seq " + dir.seq() : " from its oldest entry"));
    }

    /** A notice to this reader: with {@code lost}, entries gone before they could be written. */
    private void notice(LogEntry notice) throws IOException {
        if (notice.lost() > 0) {
            dir.marker(notice.lost() + " entries were evicted from memlogd's ring before logwrite could write"
                    + " them (after seq " + dir.seq() + ")");
        }
        log.say("memlogd: " + notice.msg());
    }
}

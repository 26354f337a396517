package dev.memlogd.daemon;

import java.io.FileDescriptor;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.memlogd.core.ring.LogRing;
import dev.memlogd.core.ring.RecordDescriptor;
import dev.memlogd.core.wire.EntryJsonEncoder;
import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.core.wire.QueryRequest;

/**
 * The daemon: one thread, one JDK epoll selector, every fd. Each round it receives fds from
 * the log socket, accepts query clients, reads each ready source once (at most
 * {@code -read-chunk} bytes, so no source starves the others), splits lines into the ring,
 * and then lets every follower send what its socket takes.
 *
 * <h2>Ingest waits for readers that keep reading</h2>
 * A query client that keeps reading never loses an entry (LinuxKit's memlogd loses 18-64 %
 * to a reader that reads as fast as it can). Ingest appends a line only while the ring has
 * room for it without evicting an entry that a <em>holding</em> follower has not been sent
 * yet (its lag plus {@link #OWN_ENTRY_RESERVE} for the daemon's own entries). When it has
 * none, the loop stops reading sources in the middle of a read if need be (the rest stays in
 * the read buffer, the line splitter carries on there later) and waits on a second selector
 * for those followers' sockets to drain; sources it did not read stay queued, first in line
 * (a FIFO of ready sources, so that waiting never starves the sources late in epoll's order).
 * Meanwhile writers fill their pipe or socket buffer and then block in write(2), exactly as
 * with any slow stdout: the kernel holds producers back, nothing is dropped.
 *
 * <p>A follower holds ingest only while it keeps taking data: one whose socket takes nothing
 * for {@code -client-wait} ms stops holding (the daemon says so in its log), is lapped if
 * the ring needs the room, and is told how many entries it missed; it holds again once it
 * has caught up. So a stuck reader costs writers at most {@code -client-wait} of blocking,
 * and {@code -client-wait 0} gives LinuxKit's behaviour (readers never hold ingest). The
 * console echo never holds ingest: a slow serial console must not pace every service.
 *
 * <p>Everything here runs on the loop thread, except {@link #stopAndAwait()} (any thread).
 */
final class EventLoop implements LineSplitter.LineSink, Follower.LapListener, LogSocket.Receiver {
    private static final int DATAGRAMS_PER_ROUND = 256;
    private static final int ACCEPTS_PER_ROUND = 64;
    private static final int MAX_EMPTY_READS = 3;
    /** Connections accepted but still owing their mode byte; they also count against the fd reserve. */
    static final int MAX_PENDING_HANDSHAKES = 64;
    private static final long ACCEPT_PAUSE_NANOS = 1_000_000_000L;
    /** Entries left free for the daemon's own messages when ingest waits for a follower. */
    static final int OWN_ENTRY_RESERVE = 8;
    /** Longest wait for followers before the loop looks at new clients and fds again. */
    private static final long MAX_WAIT_MILLIS = 100;
    private static final byte[] MEMLOGD = LinuxKit.SOURCE_MEMLOGD.getBytes(StandardCharsets.UTF_8);

    private final DaemonConfig config;
    private final Selector selector;
    /** Holding followers' sockets, selected for writability while ingest waits for them. */
    private final Selector waitSelector;
    private final LogRing ring;
    private final LogSocket logSocket;
    private final SelectionKey logKey;
    private final ServerSocketChannel queryServer;
    private final SelectionKey acceptKey;
    private final Path createdQueryPath;
    private final ByteBuffer readBuffer;
    private final LineSplitter splitter;
    private final Clock clock = new Clock();
    private final OwnLog ownLog = new OwnLog(this::ownMessage);
    private final List<Follower> followers = new ArrayList<>();
    private final List<QueryConnection> handshakes = new ArrayList<>();
    private final List<String> lapReports = new ArrayList<>();
    /** Ready sources not read yet, oldest first; a source is in it at most once. */
    private final ArrayDeque<Source> ready = new ArrayDeque<>();
    /** Ring room assumed per entry when ingest waits for a follower: the largest record. */
    private final int maxRecordLength;
    private final long clientWaitNanos;
    private final int ownEntryReserve;
    /** The source whose read data, from readBuffer's position on, is not split yet. */
    private Source stalled;
    /** Entries ingest may append before it must look at the followers again. */
    private long appendBudget = Long.MAX_VALUE;
    /** The fds open when the loop started serving (JVM's, sockets, selectors, console pipe). */
    private BitSet baselineFds = new BitSet();
    /** A follower registered with waitSelector was closed: its fd is released once that selector deregisters it. */
    private boolean waitKeysCancelled;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;
    private int sourceCount;
    private final int sourceBudget;
    private final long fdLimit;
    private long acceptPausedUntil;
    private long lineStamp;

    private EventLoop(DaemonConfig config, Selector selector, LogSocket logSocket, ServerSocketChannel queryServer,
            Path createdQueryPath) throws IOException {
        this.config = config;
        this.selector = selector;
        this.ring = new LogRing(config.maxLines(), config.maxBytes());
        this.maxRecordLength = RecordDescriptor.alignedLength(
                RecordDescriptor.recordLength(LinuxKit.MAX_NAME_LEN, config.maxLineLength()));
        // Keep a caught-up follower's room positive even in a tiny ring, or ingest would wait for ever.
        long roomCaughtUp = ring.room(ring.nextSeq(), maxRecordLength);
        this.ownEntryReserve = (int) Math.max(0, Math.min(OWN_ENTRY_RESERVE, roomCaughtUp - 1));
        this.clientWaitNanos = roomCaughtUp >= 1 ? TimeUnit.MILLISECONDS.toNanos(config.clientWaitMillis()) : 0;
        this.waitSelector = Selector.open();
        this.logSocket = logSocket;
        this.queryServer = queryServer;
        this.createdQueryPath = createdQueryPath;
        this.readBuffer = ByteBuffer.allocateDirect(config.readChunk());
        this.splitter = new LineSplitter(config.maxLineLength(), this);
        this.logKey = logSocket.selectable().register(selector, SelectionKey.OP_READ, logSocket);
        queryServer.configureBlocking(false);
        this.acceptKey = queryServer.register(selector, SelectionKey.OP_ACCEPT, queryServer);
        this.fdLimit = FdBudget.fdLimit();
        this.sourceBudget = FdBudget.sources(config.maxSources(), config.maxClients(), fdLimit,
                FdBudget.openFdCount() + (config.consoleEcho() ? 2 : 0));
        if (config.consoleEcho()) {
            ConsoleEcho console = ConsoleEcho.start();
            Follower echo = new Follower("console", console.sink(), ring, ring.nextSeq(), -1, null, true,
                    config.clientBuffer(), clock, this);
            echo.attach(console.sink().register(selector, 0, echo));
            followers.add(echo);
        }
    }

    /** Binds (or inherits) both sockets; when this returns, both accept. */
    static EventLoop open(DaemonConfig config) throws IOException {
        Selector selector = Selector.open();
        LogSocket log = config.logFd() >= 0 ? LogSocket.inherit(config.logFd(), LinuxKit.MAX_NAME_LEN)
                : LogSocket.bind(config.logSocket(), LinuxKit.MAX_NAME_LEN);
        try {
            if (config.queryFd() >= 0) {
                return new EventLoop(config, selector, log,
                        FdChannels.listeningUnixSocket(FdChannels.fromNumber(config.queryFd())), null);
            }
            SocketFiles.claim(config.querySocket(), false);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                server.bind(UnixDomainSocketAddress.of(config.querySocket()));
            } catch (IOException e) {
                server.close();
                throw new IOException("cannot bind query socket " + config.querySocket() + ": " + e.getMessage(), e);
            }
            return new EventLoop(config, selector, log, server, config.querySocket());
        } catch (IOException | RuntimeException e) {
            log.close();
            selector.close();
            throw e;
        }
    }

    String logSocketName() {
        return logSocket.describe();
    }

    /** Sources the daemon will read at once: -max-sources, or fewer if the fd limit says so. */
    int sourceBudget() {
        return sourceBudget;
    }

    String querySocketName() {
        return createdQueryPath != null ? createdQueryPath.toString() : "inherited fd " + config.queryFd();
    }

    /** Runs until {@link #stopAndAwait()}; then closes every fd and removes the socket files it created. */
    void run() {
        baselineFds = LogSocket.openFds();
        try {
            while (!stopping) {
                if (waitKeysCancelled) {
                    // A channel's fd is closed only once every selector it was registered with
                    // has dropped its key, and the wait selector selects only when ingest waits.
                    waitKeysCancelled = false;
                    waitSelector.selectNow(key -> { });
                }
                boolean unread = stalled != null || !ready.isEmpty();
                if (unread && appendBudget() <= 0) {
                    waitForFollowers();
                    selector.selectNow(this::dispatch);
                } else if (unread) {
                    selector.selectNow(this::dispatch);
                } else {
                    selector.select(this::dispatch, selectTimeoutMillis());
                }
                ingest();
                serveFollowers();
                reportLaps();
                expireHandshakes();
                resumeAccepting();
            }
            ownMessage("memlogd stopping");
            serveFollowers();
        } catch (IOException | RuntimeException e) {
            // Only a bug gets here (per-key failures are handled in dispatch): say where.
            ownMessage("memlogd event loop failed: " + e + " at " + java.util.Arrays.toString(e.getStackTrace()));
            e.printStackTrace();
            serveFollowers();
        } finally {
            closeAll();
            stopped.countDown();
        }
    }

    /** Asks the loop to stop; returns at once (any thread). */
    void requestStop() {
        stopping = true;
        selector.wakeup();
        waitSelector.wakeup();
    }

    /** Asks the loop to stop and waits a little for it to close everything (any thread). */
    void stopAndAwait() {
        requestStop();
        try {
            stopped.await(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void dispatch(SelectionKey key) {
        try {
            dispatchOrThrow(key);
        } catch (RuntimeException e) {
            // A bug met by one fd must not take the daemon down for everyone: drop that fd only.
            ownMessage("memlogd: internal error on " + key.attachment() + ", closing it: " + e + " at "
                    + (e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "?"));
            if (key.attachment() instanceof Source) {
                closeSource((Source) key.attachment(), null);
            } else if (key.attachment() instanceof Follower) {
                drop((Follower) key.attachment());
            } else if (key.attachment() instanceof QueryConnection) {
                handshakes.remove(key.attachment());
                closeQuietly(key.channel());
            }
        }
    }

    private void dispatchOrThrow(SelectionKey key) {
        Object what = key.attachment();
        if (!key.isValid()) {
            return;
        }
        if (what instanceof Source) {
            Source source = (Source) what;
            if (!source.queued) {
                source.queued = true;
                ready.add(source);
            }
        } else if (what instanceof Follower) {
            Follower follower = (Follower) what;
            if (key.isReadable() && !follower.discardInput()) {
                drop(follower);
            } else if (key.isWritable()) {
                pumpOrDrop(follower);
            }
        } else if (what instanceof QueryConnection) {
            handshake((QueryConnection) what);
        } else if (what == logSocket) {
            receiveDatagrams();
        } else if (what == queryServer) {
            accept();
        }
    }

    // --- sources -------------------------------------------------------------------------

    /** Reads the ready sources in turn, each once, while the ring has room (see the class comment). */
    private void ingest() {
        appendBudget = appendBudget();
        if (stalled != null) {
            if (appendBudget <= 0 || !splitter.split(stalled, readBuffer)) {
                return;
            }
            stalled = null;
        }
        while (appendBudget > 0 && !ready.isEmpty()) {
            Source source = ready.poll();
            source.queued = false;
            if (!source.closed) {
                readSource(source);
                if (stalled != null) {
                    return;
                }
            }
        }
    }

    /**
     * How many entries may be appended now without evicting one that a holding follower has
     * not been sent; releases holding followers that have taken nothing for too long.
     */
    private long appendBudget() {
        if (clientWaitNanos == 0) {
            return Long.MAX_VALUE;
        }
        long now = 0;
        long keep = Long.MAX_VALUE;
        for (int i = 0; i < followers.size(); i++) {
            Follower follower = followers.get(i);
            if (!follower.holdsIngest()) {
                continue;
            }
            if (follower.waitsForWritable()) {
                now = now == 0 ? System.nanoTime() : now;
                if (follower.releaseIfStalled(now, clientWaitNanos)) {
                    ownLog.report("client-wait", follower + " took nothing for " + config.clientWaitMillis()
                            + " ms (-client-wait) while ingest waited for it; ingest goes on without it"
                            + " until it catches up, and it is told what it misses");
                    continue;
                }
            }
            keep = Math.min(keep, follower.nextSeq());
        }
        return keep == Long.MAX_VALUE ? Long.MAX_VALUE : ring.room(keep, maxRecordLength) - ownEntryReserve;
    }

    /**
     * Ingest is held back: waits until a holding follower's socket takes data (and sends it
     * what it can), or one of them has waited too long, or at most {@link #MAX_WAIT_MILLIS}
     * so that new clients and fds are not kept waiting.
     */
    private void waitForFollowers() throws IOException {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_WAIT_MILLIS);
        for (int i = 0; i < followers.size(); i++) {
            Follower follower = followers.get(i);
            if (follower.holdsIngest() && follower.waitsForWritable()) {
                until = Math.min(until, follower.releaseDeadline(clientWaitNanos));
            }
        }
        long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime()) + 1);
        waitSelector.select(key -> pumpOrDrop((Follower) key.attachment()), millis);
    }

    @Override
    public boolean full() {
        return appendBudget <= 0;
    }

    private void readSource(Source source) {
        int n;
        try {
            n = source.channel.read(readBuffer.clear());
        } catch (IOException e) {
            closeSource(source, "read error: " + e.getMessage());
            return;
        }
        if (n < 0) {
            splitter.endOfInput(source);
            closeSource(source, null);
            return;
        }
        if (n == 0) {
            // A stream at EOF reads -1, never 0; an fd that polls readable yet reads nothing
            // round after round (a datagram socket whose sender shut it down) would otherwise
            // keep the loop spinning.
            if (++source.emptyReads >= MAX_EMPTY_READS) {
                closeSource(source, "it polls readable but has nothing to read (not a stream: a datagram socket?)");
            }
            return;
        }
        source.emptyReads = 0;
        lineStamp = clock.nowNanos(); // one clock read per read(), not per line
        if (!splitter.split(source, readBuffer.flip())) {
            stalled = source; // the rest of this read is split once followers have made room
        }
    }

    @Override
    public void line(Source source, ByteBuffer data, int index, int length, int flags) {
        ring.append(lineStamp, source.nameBytes, source.nameBytes.length, data, index, length, flags);
        source.lines++;
        appendBudget--;
    }

    private void closeSource(Source source, String problem) {
        source.closed = true;
        if (stalled == source) {
            stalled = null;
            problem = (problem == null ? "" : problem + "; ") + "the rest of its last read ("
                    + readBuffer.remaining() + " bytes) was dropped";
        }
        source.key.cancel();
        try {
            source.channel.close();
        } catch (IOException e) {
            // Already gone.
        }
        sourceCount--;
        if (problem != null) {
            ownLog.report("source-error", source + " closed after " + source.lines + " lines: " + problem);
        }
    }

    private void receiveDatagrams() {
        try {
            for (int i = 0; i < DATAGRAMS_PER_ROUND && logSocket.receiveOne(this); i++) {
                // receiveOne hands each datagram to onFds / onBadDatagram
            }
        } catch (IOException e) {
            ownLog.report("log-socket", "receiving on the log socket failed: " + e.getMessage());
        }
    }

    @Override
    public void onFds(byte[] rawName, int rawNameLength, boolean nameTruncated, FileDescriptor[] fds) {
        SourceNames.Name name = SourceNames.inspect(rawName, rawNameLength);
        if (nameTruncated) {
            ownLog.report("source-name", "source name longer than " + LinuxKit.MAX_NAME_LEN
                    + " bytes cut to '" + LogSocket.printable(rawName, rawNameLength) + "'");
        }
        if (name.unusual()) {
            ownLog.report("source-name", "source name '" + name.printable() + "' has control characters or invalid"
                    + " UTF-8; kept as sent, as LinuxKit does (JSON escapes it, logread prints it raw)");
        }
        for (FileDescriptor fd : fds) {
            addSource(name, fd);
        }
    }

    @Override
    public BitSet knownFds() {
        BitSet known = (BitSet) baselineFds.clone();
        for (Selector s : new Selector[] {selector, waitSelector}) {
            for (SelectionKey key : s.keys()) {
                try {
                    known.set(key.attachment() instanceof Source ? ((Source) key.attachment()).fd
                            : FdChannels.fdNumber(key.channel()));
                } catch (IOException e) {
                    // Cannot happen once FdChannels.selfTest() passed; if it did, no fd could be
                    // told from a stray, and closing one of ours is worse than leaking strays.
                    return null;
                }
            }
        }
        return known;
    }

    @Override
    public void onBadDatagram(String problem) {
        ownLog.report("datagram", problem);
    }

    private void addSource(SourceNames.Name sourceName, FileDescriptor fd) {
        String name = sourceName.printable();
        int number = -1;
        try {
            number = FdChannels.fdNumber(fd);
            if (sourceCount >= sourceBudget) {
                refuse(fd, "fd for source '" + name + "' refused: already reading " + sourceCount + " sources, "
                        + (sourceBudget < config.maxSources() ? "all the process fd limit (" + fdLimit
                                + ") allows while keeping " + FdBudget.reserve(config.maxClients())
                                + " fds for query clients and incoming datagrams"
                                : "the -max-sources limit"));
                return;
            }
            String refusal = FdInspector.refusal(number);
            if (refusal != null) {
                refuse(fd, "fd for source '" + name + "' refused: " + refusal);
                return;
            }
            Pipe.SourceChannel channel = FdChannels.readable(fd);
            channel.configureBlocking(false);
            Source source = new Source(name, sourceName.bytes(), channel, number);
            source.key = channel.register(selector, SelectionKey.OP_READ, source);
            sourceCount++;
        } catch (IOException | RuntimeException e) {
            refuse(fd, "fd " + number + " for source '" + name + "' cannot be read: " + e);
        }
    }

    private void refuse(FileDescriptor fd, String why) {
        FdChannels.closeQuietly(fd);
        ownLog.report("source-refused", why);
    }

    // --- query clients -------------------------------------------------------------------

    private void accept() {
        for (int i = 0; i < ACCEPTS_PER_ROUND; i++) {
            SocketChannel client;
            try {
                client = queryServer.accept();
            } catch (IOException e) {
                // Out of fds (EMFILE) leaves the socket readable: stop accepting for a moment
                // rather than spin, and say so.
                acceptKey.interestOps(0);
                acceptPausedUntil = System.nanoTime() + ACCEPT_PAUSE_NANOS;
                ownLog.report("accept", "cannot accept query clients: " + e.getMessage() + "; retrying in 1 s");
                return;
            }
            if (client == null) {
                return;
            }
            startHandshake(client);
        }
    }

    private void startHandshake(SocketChannel client) {
        try {
            client.configureBlocking(false);
            // Over the client limit, a client is told so once it has sent its mode byte (see
            // handshake): refused at once, its write of the mode byte would fail (EPIPE) and it
            // would never read why. Only a flood of silent connections is refused here.
            if (handshakes.size() >= MAX_PENDING_HANDSHAKES) {
                refuseClient(client, "too many connections waiting to send their mode byte ("
                        + MAX_PENDING_HANDSHAKES + ")");
                return;
            }
            QueryConnection connection = new QueryConnection(client,
                    System.nanoTime() + config.modeTimeoutMillis() * 1_000_000L);
            client.register(selector, SelectionKey.OP_READ, connection);
            handshakes.add(connection);
            // Most clients send their mode byte with the connect: finish now, not next round.
            handshake(connection);
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    private void handshake(QueryConnection connection) {
        QueryRequest request;
        try {
            request = connection.read();
        } catch (QueryConnection.Refused e) {
            handshakes.remove(connection);
            refuseClient(connection.channel, e.getMessage());
            return;
        } catch (IOException e) {
            handshakes.remove(connection);
            closeQuietly(connection.channel);
            return;
        }
        if (request == null) {
            return;
        }
        handshakes.remove(connection);
        if (followers.size() - (config.consoleEcho() ? 1 : 0) >= config.maxClients()) {
            refuseClient(connection.channel, "too many query clients (-max-clients " + config.maxClients() + ")");
            return;
        }
        SourceFilter filter = SourceFilter.of(request.sources());
        long[] plan = QueryConnection.plan(request, ring, filter);
        Follower follower = new Follower("query client", connection.channel, ring, plan[0], plan[1], filter, false,
                config.clientBuffer(), clock, this);
        if (plan[2] > 0) {
            follower.notice(plan[2] + " entries after seq " + request.after() + " were evicted before this request;"
                    + " continuing with the oldest entry held", plan[2]);
        } else if (plan[2] < 0) {
            follower.notice("seq " + request.after() + " was never given out by this memlogd (it restarted);"
                    + " sending every entry held", -1);
        }
        // A following client's only input is its EOF, which frees its fd at once rather than
        // at the next write. A dump client may half-close and must still get its dump, so its
        // EOF is not watched (it ends when the dump is sent, or when a write fails).
        follower.attach(connection.channel.keyFor(selector));
        follower.key().attach(follower);
        follower.key().interestOps(request.follow() ? SelectionKey.OP_READ : 0);
        if (clientWaitNanos > 0) {
            try {
                follower.holdIngest(connection.channel.register(waitSelector, 0, follower));
            } catch (IOException e) {
                drop(follower);
                return;
            }
        }
        followers.add(follower);
        pumpOrDrop(follower);
    }

    private void refuseClient(SocketChannel client, String why) {
        ByteBuffer notice = ByteBuffer.allocate(EntryJsonEncoder.maxNoticeLength(why));
        EntryJsonEncoder.encodeNotice(notice, clock.nowNanos(), why, -1);
        try {
            client.write(notice.flip()); // best effort: one short line into an empty socket buffer
            // Closing with unread input makes the kernel reset the connection, which can
            // destroy the notice before the client reads it: read what was sent first.
            ByteBuffer discard = ByteBuffer.allocate(4096);
            for (int i = 0; i < 16 && client.read(discard.clear()) > 0; i++) {
                // bounded: a client still sending after this gets the reset it asked for
            }
            client.shutdownOutput();
        } catch (IOException e) {
            // The client is already gone.
        }
        closeQuietly(client);
        ownLog.report("query-refused", "query client refused: " + why);
    }

    private void expireHandshakes() {
        long now = System.nanoTime();
        for (Iterator<QueryConnection> it = handshakes.iterator(); it.hasNext();) {
            QueryConnection connection = it.next();
            if (now - connection.deadlineNanos >= 0) {
                it.remove();
                refuseClient(connection.channel, "no mode byte (or request line) within "
                        + config.modeTimeoutMillis() + " ms");
            }
        }
    }

    private long selectTimeoutMillis() {
        long next = Long.MAX_VALUE;
        for (QueryConnection connection : handshakes) {
            next = Math.min(next, connection.deadlineNanos);
        }
        if (acceptPausedUntil != 0) {
            next = Math.min(next, acceptPausedUntil);
        }
        if (next == Long.MAX_VALUE) {
            return 0; // block until something happens: an idle daemon wakes for nothing
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(next - System.nanoTime()) + 1);
    }

    private void resumeAccepting() {
        if (acceptPausedUntil != 0 && System.nanoTime() - acceptPausedUntil >= 0) {
            acceptPausedUntil = 0;
            acceptKey.interestOps(SelectionKey.OP_ACCEPT);
        }
    }

    // --- followers -----------------------------------------------------------------------

    private void serveFollowers() {
        for (int i = 0; i < followers.size(); i++) {
            Follower follower = followers.get(i);
            if (!follower.waitsForWritable() && pumpOrDrop(follower)) {
                i--;
            }
        }
    }

    /** @return true when the follower was finished and removed */
    private boolean pumpOrDrop(Follower follower) {
        if (!follower.pump()) {
            return false;
        }
        drop(follower);
        return true;
    }

    private void drop(Follower follower) {
        follower.close();
        followers.remove(follower);
        waitKeysCancelled |= follower.holdsIngestWhenKeepingUp();
    }

    @Override
    public void lapped(Follower follower, long missed, int laps) {
        // Not appended now: the follower has just moved to the oldest entry, and a ring
        // entry appended in the middle of its refill would evict exactly that entry and lap
        // it again by one, and again (a cascade of "missed 1" notices). Recorded after the round.
        lapReports.add(follower + " fell behind and missed " + missed + " entries ("
                + (laps == 1 ? "lapped once" : "lapped " + laps + " times") + " before it caught up or left)");
    }

    private void reportLaps() {
        for (int i = 0; i < lapReports.size(); i++) {
            ownLog.report("lapped", lapReports.get(i));
        }
        lapReports.clear();
    }

    /** Appends one of the daemon's own messages to the ring, as source {@code memlogd}. */
    void ownMessage(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(bytes.length, config.maxLineLength());
        ring.append(clock.nowNanos(), MEMLOGD, MEMLOGD.length, ByteBuffer.wrap(bytes), 0, length, 0);
    }

    /** Closes everything without running (a start that failed after binding); removes the socket files. */
    void close() {
        closeAll();
    }

    private void closeAll() {
        for (SelectionKey key : selector.keys()) {
            closeQuietly(key.channel());
        }
        try {
            logSocket.close();
            queryServer.close();
            selector.close();
            waitSelector.close();
            if (createdQueryPath != null) {
                Files.deleteIfExists(createdQueryPath);
            }
        } catch (IOException e) {
            // Exiting anyway.
        }
    }

    private static void closeQuietly(java.nio.channels.Channel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing more to do for a channel we are dropping.
        }
    }
}

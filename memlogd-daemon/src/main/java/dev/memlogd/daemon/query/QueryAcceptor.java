package dev.memlogd.daemon.query;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import dev.memlogd.core.ring.LogRing;
import dev.memlogd.core.wire.EntryEncoder;
import dev.memlogd.core.wire.QueryRequest;
import dev.memlogd.daemon.follow.Followers;
import dev.memlogd.daemon.follow.ReadPlan;
import dev.memlogd.daemon.loop.Clock;
import dev.memlogd.daemon.loop.KeyHandler;
import dev.memlogd.daemon.loop.OwnLog;
import dev.memlogd.daemon.stats.StatsReport;

/**
 * The query socket's handler: accepts clients, waits for each one's mode byte (and request
 * line) as a {@link Handshake} with a deadline, then hands it to {@link Followers} with the
 * {@link ReadPlan} its request asks for, or refuses it with a {@code memlogd} notice saying why.
 *
 * <p>Unlike LinuxKit, which reads the mode byte inside its accept loop (one silent client
 * blocks every other), handshakes wait in the event loop. Out of fds on accept (EMFILE leaves
 * the listening socket readable), accepting pauses for {@link #ACCEPT_PAUSE_NANOS} rather than
 * spin, and says so. Event loop thread only.
 */
public final class QueryAcceptor implements KeyHandler {
    /** Clients accepted per round at most, so that a flood of connections cannot starve the sources. */
    static final int ACCEPTS_PER_ROUND = 64;
    static final long ACCEPT_PAUSE_NANOS = 1_000_000_000L;
    /**
     * Longest reason a refusal tells: a reason can quote the request (up to 64 KB, each
     * character up to six bytes in JSON), and the notice must go into the fresh socket in one
     * write, or the close would end it inside its line.
     */
    static final int MAX_REASON_LENGTH = 1024;

    private final ServerSocketChannel server;
    private final SelectionKey acceptKey;
    private final Selector selector;
    private final LogRing ring;
    private final Followers followers;
    private final OwnLog ownLog;
    private final Clock clock;
    private final int maxClients;
    /** What sets {@code maxClients}, for the refusal notice. */
    private final String clientsLimit;
    private final long modeTimeoutMillis;
    private final String identity;
    private final Access access;
    private final Limits limits;
    private final Refusals refusals;
    private final List<Handshake> handshakes = new ArrayList<>();
    private final StatsReport stats;
    /** Statistics answers still being written; they count against -max-clients. */
    private final List<StatsReply> replies = new ArrayList<>();
    private long acceptPausedUntil;

    /**
     * What a client may use of the daemon, and what sets each bound (for the refusal notices).
     *
     * @param maxClients        query clients at once: {@code -max-clients}, or fewer if the fd limit or direct memory says so
     * @param clientsLimit      what sets {@code maxClients}
     * @param maxPending        connections owing their mode byte at once ({@code -max-pending}, or fewer)
     * @param maxPendingPerUser of those, from one user ({@code -max-pending-per-uid})
     * @param modeTimeoutMillis time for the mode byte and request ({@code -mode-timeout})
     */
    public record Limits(int maxClients, String clientsLimit, int maxPending, int maxPendingPerUser,
            long modeTimeoutMillis) {
    }

    /**
     * Registers {@code server} (non-blocking from here) with {@code selector}.
     *
     * @param identity this daemon's identity (docs/protocol.md, section 5)
     * @param stats    answers statistics requests
     */
    public QueryAcceptor(ServerSocketChannel server, Selector selector, LogRing ring, Followers followers,
            OwnLog ownLog, Clock clock, Limits limits, Access access, String identity,
            StatsReport stats) throws IOException {
        this.stats = stats;
        this.server = server;
        this.selector = selector;
        this.ring = ring;
        this.followers = followers;
        this.ownLog = ownLog;
        this.clock = clock;
        this.maxClients = limits.maxClients();
        this.clientsLimit = limits.clientsLimit();
        this.modeTimeoutMillis = limits.modeTimeoutMillis();
        this.limits = limits;
        this.access = access;
        this.identity = identity;
        this.refusals = new Refusals(ownLog, System::nanoTime);
        server.configureBlocking(false);
        this.acceptKey = server.register(selector, SelectionKey.OP_ACCEPT, this);
    }

    @Override
    public void onReady(SelectionKey key) {
        for (int i = 0; i < ACCEPTS_PER_ROUND; i++) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException e) {
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

    /** The query socket is the daemon's: a bug met accepting is logged by the loop, the socket kept. */
    @Override
    public void abandon() {
    }

    private void startHandshake(SocketChannel client) {
        try {
            client.configureBlocking(false);
            Peer peer = Peer.of(client);
            // Silent connections must not lock everyone out: the newest connection always gets
            // its chance, at the expense of the oldest one waiting (of its own user first, so
            // that one user's flood evicts only its own connections while others' fit).
            Handshake oldestOfUser = oldestOf(peer);
            if (oldestOfUser != null && countOf(peer) >= limits.maxPendingPerUser()) {
                evict(oldestOfUser, "-max-pending-per-uid " + limits.maxPendingPerUser() + ", " + peer);
            } else if (handshakes.size() >= limits.maxPending()) {
                evict(handshakes.get(0), "-max-pending " + limits.maxPending());
            }
            Handshake handshake = new Handshake(client, peer,
                    System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(modeTimeoutMillis), this);
            client.register(selector, SelectionKey.OP_READ, handshake);
            handshakes.add(handshake);
            // Most clients send their mode byte with the connect: finish now, not next round.
            continueHandshake(handshake);
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    /** The oldest connection of the peer's user still owing its mode byte, or null. */
    private Handshake oldestOf(Peer peer) {
        for (int i = 0; i < handshakes.size(); i++) {
            if (Objects.equals(handshakes.get(i).peer.user(), peer.user())) {
                return handshakes.get(i);
            }
        }
        return null;
    }

    private int countOf(Peer peer) {
        int count = 0;
        for (int i = 0; i < handshakes.size(); i++) {
            if (Objects.equals(handshakes.get(i).peer.user(), peer.user())) {
                count++;
            }
        }
        return count;
    }

    private void evict(Handshake handshake, String limit) {
        handshakes.remove(handshake);
        refuse(handshake, Refusals.Reason.EVICTED, "closed while still waiting for its mode byte, to make room for"
                + " a newer connection (" + limit + ")");
    }

    /** Reads what the client sent; once its request is complete, makes it a follower or refuses it. */
    void continueHandshake(Handshake handshake) {
        QueryRequest request;
        try {
            request = handshake.read();
        } catch (Handshake.Refused e) {
            handshakes.remove(handshake);
            refuse(handshake, Refusals.Reason.BAD_REQUEST, e.getMessage());
            return;
        } catch (IOException e) {
            drop(handshake);
            return;
        }
        if (request == null) {
            return;
        }
        handshakes.remove(handshake);
        if (!access.mayRead(handshake.peer)) {
            refuse(handshake, Refusals.Reason.DENIED, "not allowed to read the log (" + handshake.peer
                    + " is not in -read-uids or -read-gids)");
            return;
        }
        if (followers.clientCount() + replies.size() >= maxClients) {
            refuse(handshake, Refusals.Reason.TOO_MANY, "too many query clients (" + maxClients + ", " + clientsLimit
                    + ")");
            return;
        }
        if (request.stats()) {
            reply(handshake.channel, stats.toJsonLine());
            return;
        }
        followers.addClient(handshake.channel, handshake.channel.keyFor(selector), ReadPlan.of(request, ring, identity),
                "query client (" + handshake.peer + ")", access.mayHold(handshake.peer));
    }

    /** Sends a statistics answer, then closes; what the socket does not take now is sent as it drains. */
    private void reply(SocketChannel client, byte[] answer) {
        StatsReply reply = new StatsReply(client, answer,
                System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(modeTimeoutMillis), this::finish);
        if (reply.send()) {
            finish(reply);
            return;
        }
        replies.add(reply);
        SelectionKey key = client.keyFor(selector);
        key.attach(reply);
        key.interestOps(SelectionKey.OP_WRITE);
    }

    private void finish(StatsReply reply) {
        replies.remove(reply);
        try {
            reply.channel.shutdownOutput();
        } catch (IOException e) {
            // The client is already gone.
        }
        closeQuietly(reply.channel);
    }

    /** Closes a handshake's connection without a word (the client has gone, or a bug). */
    void drop(Handshake handshake) {
        handshakes.remove(handshake);
        closeQuietly(handshake.channel);
    }

    /** Tells the client why in one notice, then closes it; logs the refusal (or counts it, {@link Refusals}). */
    private void refuse(Handshake handshake, Refusals.Reason reason, String fullWhy) {
        SocketChannel client = handshake.channel;
        String why = fullWhy.length() <= MAX_REASON_LENGTH ? fullWhy : fullWhy.substring(0, MAX_REASON_LENGTH) + "…";
        ByteBuffer notice = ByteBuffer.allocate(EntryEncoder.JSON.maxNoticeLength(why));
        EntryEncoder.JSON.encodeNotice(notice, clock.nowNanos(), why, -1);
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
        refusals.refused(reason, handshake.peer, why);
    }

    /**
     * Refuses every client whose mode byte (or request) is overdue; drops statistics answers not
     * read in time; writes the refusals' summary when due.
     */
    public void expireHandshakes(long nowNanos) {
        for (int i = replies.size() - 1; i >= 0; i--) {
            StatsReply reply = replies.get(i);
            if (nowNanos - reply.deadlineNanos >= 0) {
                finish(reply);
                ownLog.report("query-refused", "a statistics answer was not read within " + modeTimeoutMillis
                        + " ms; dropped");
            }
        }
        for (Iterator<Handshake> it = handshakes.iterator(); it.hasNext();) {
            Handshake handshake = it.next();
            if (nowNanos - handshake.deadlineNanos >= 0) {
                it.remove();
                refuse(handshake, Refusals.Reason.SILENT, "no mode byte (or request line) within " + modeTimeoutMillis
                        + " ms");
            }
        }
        refusals.flushIfDue(nowNanos);
    }

    /** Accepts again once an out-of-fds pause is over. */
    public void resumeAccepting(long nowNanos) {
        if (acceptPausedUntil != 0 && nowNanos - acceptPausedUntil >= 0) {
            acceptPausedUntil = 0;
            acceptKey.interestOps(SelectionKey.OP_ACCEPT);
        }
    }

    /**
     * The next handshake deadline, end of an accept pause or summary of refusals
     * ({@link System#nanoTime()}), or {@link Long#MAX_VALUE}.
     */
    public long nextDeadline() {
        long next = Math.min(acceptPausedUntil != 0 ? acceptPausedUntil : Long.MAX_VALUE, refusals.deadline());
        for (int i = 0; i < handshakes.size(); i++) {
            next = Math.min(next, handshakes.get(i).deadlineNanos);
        }
        for (int i = 0; i < replies.size(); i++) {
            next = Math.min(next, replies.get(i).deadlineNanos);
        }
        return next;
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing more to do for a channel we are dropping.
        }
    }
}

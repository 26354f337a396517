package dev.memlogd.daemon.follow;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.memlogd.core.ring.LogRing;
import dev.memlogd.core.wire.EntryEncoder;
import dev.memlogd.daemon.fd.HangUpProbe;
import dev.memlogd.daemon.loop.Clock;
import dev.memlogd.daemon.loop.OwnLog;

/**
 * Every reader of the ring: query clients past their handshake and the console echo. Serves
 * them each round, drops the finished ones, counts the clients, answers the {@link HoldPolicy}
 * for ingest, and writes the ring entries about lapped readers after the round (written during
 * a reader's refill, such an entry would evict the very entry the reader had just moved to and
 * lap it again). Event loop thread only.
 */
public final class Followers implements Follower.Owner {
    /**
     * When the daemon stops, how long readers are sent the rest of their stream, up to and
     * including its "stopping" entry. A reader still behind then is sent no more entries.
     */
    static final long STOP_SEND_NANOS = 750_000_000L;
    /**
     * When the daemon stops, how long readers have in all (documented in docs/reliability.md):
     * a reader cut off at {@link #STOP_SEND_NANOS} has the rest of this to take the whole lines
     * it was already sent and the notice saying what it missed; then every reader is closed.
     */
    static final long STOP_NANOS = 1_000_000_000L;

    /** How often half-closed clients are probed for a full close. */
    static final long HANG_UP_PROBE_NANOS = 1_000_000_000L;

    private final List<Follower> followers = new ArrayList<>();
    private final List<String> lapReports = new ArrayList<>();
    private final LogRing ring;
    private final Clock clock;
    private final OwnLog ownLog;
    private final HoldPolicy hold;
    private final HangUpProbe hangUps;
    /** Followers whose client shut down only its writing side, probed for a full close. */
    private final List<Follower> halfClosed = new ArrayList<>();
    private long nextHangUpProbe = Long.MAX_VALUE;
    private final int bufferSize;
    private final long clientWaitMillis;
    private final long minRate;
    private Follower console;
    private int clients;
    /** Entries missed by lapped readers that have gone (those of readers still here are theirs). */
    private long lostByGoneReaders;
    /** Since when the daemon stops ({@link System#nanoTime()}), once it does. */
    private long stopNanos;
    private boolean cutOff;

    /**
     * @param bufferSize       {@code -client-buffer}: output buffered per reader
     * @param clientWaitMillis {@code -client-wait} (see {@link HoldPolicy})
     * @param holdMinRate     {@code -hold-min-rate}: entries a second a holding reader must take while behind
     * @param holdMinTimeMillis {@code -hold-min-time}: the window that rate is measured over
     * @param hangUps          tells a client that closed from one that only half-closed
     */
    public Followers(LogRing ring, Clock clock, OwnLog ownLog, int bufferSize, int maxLineLength,
            long clientWaitMillis, long holdMinRate, long holdMinTimeMillis, HangUpProbe hangUps) {
        this.ring = ring;
        this.clock = clock;
        this.ownLog = ownLog;
        this.bufferSize = bufferSize;
        this.clientWaitMillis = clientWaitMillis;
        this.hangUps = hangUps;
        this.minRate = holdMinRate;
        this.hold = HoldPolicy.of(ring, maxLineLength, clientWaitMillis, holdMinRate, holdMinTimeMillis);
    }

    /** Echoes every new entry to the console, in logread's format; it never holds ingest. */
    public void addConsole(ConsoleEcho console, Selector selector) throws IOException {
        Follower echo = new Follower("console", console.sink(), ring, ReadPlan.followFromNow(ring),
                EntryEncoder.LOGREAD, bufferSize, clock, this);
        echo.attach(console.sink().register(selector, 0, echo));
        followers.add(echo);
        this.console = echo;
    }

    /**
     * Makes a query client past its handshake a follower, sends it what its socket takes now.
     *
     * @param key         the client's key, registered with the loop's selector; re-attached to the follower
     * @param description who it is, for the daemon's entries about it
     * @param mayHold     whether its credentials allow it to hold ingest ({@code -hold-uids}, {@code -hold-gids})
     */
    public void addClient(SocketChannel channel, SelectionKey key, ReadPlan plan, String description,
            boolean mayHold) {
        Follower follower = new Follower(description, channel, ring, plan, EntryEncoder.JSON, bufferSize, clock,
                this);
        follower.attach(key);
        key.attach(follower);
        // A following client's only input is its EOF, watched so that a client that closes
        // while nothing is sent to it frees its fd at once. A dump client ends with its dump
        // anyway; its EOF is not watched.
        key.interestOps(plan.follow() ? SelectionKey.OP_READ : 0);
        if (hold.enabled() && mayHold) {
            follower.holdIngest();
        } else if (hold.enabled()) {
            ownLog.report("hold-denied", description + " reads without holding ingest (not in -hold-uids or"
                    + " -hold-gids): if it falls behind it is lapped, and told what it missed");
        }
        followers.add(follower);
        clients++;
        if (follower.pump()) {
            finished(follower);
        }
    }

    /** Query clients connected (past their handshake). */
    public int clientCount() {
        return clients;
    }

    /** Entries ingest may append now ({@link HoldPolicy#budget}); logs readers it stops waiting for. */
    public long ingestBudget() {
        return hold.budget(followers, System.nanoTime(), releases);
    }

    /** The daemon's entries, and the reader's notice, when a reader stops holding ingest. */
    private final HoldPolicy.Releases releases = new HoldPolicy.Releases() {
        @Override
        public void tookNothing(HoldPolicy.Reader reader) {
            ownLog.report("client-wait", reader + " took nothing for " + clientWaitMillis + " ms (-client-wait)"
                    + " while ingest waited for it; ingest goes on without it until it catches up, and it is told"
                    + " what it misses");
        }

        @Override
        public void tooSlow(HoldPolicy.Reader reader, long entries, long nanos) {
            String pace = "took " + entries + " entries in " + TimeUnit.NANOSECONDS.toMillis(nanos) + " ms while"
                    + " ingest waited for it, fewer than -hold-min-rate " + minRate + " a second";
            ((Follower) reader).notice("this reader stopped holding ingest: it " + pace + "; ingest no longer"
                    + " waits for it until it catches up, so it may miss entries (it is told how many)", -1);
            ownLog.report("hold-min-rate", reader + " stopped holding ingest: it " + pace);
        }
    };

    /** While ingest waits: when the loop must look again, if no reader's channel drains first. */
    public long holdDeadline() {
        return hold.releaseDeadline(followers);
    }

    /** Lets every follower not waiting for its channel send what it has. */
    public void serve() {
        for (int i = 0; i < followers.size(); i++) {
            Follower follower = followers.get(i);
            if (!follower.waitsForWritable() && follower.pump()) {
                finished(follower);
                i--;
            }
        }
    }

    /** Whether this key is a reader's: the keys the loop still serves while the daemon stops. */
    public static boolean serves(SelectionKey key) {
        return key.attachment() instanceof Follower;
    }

    /**
     * The daemon stops: every reader's stream ends with the entries held now, the last of which
     * is the daemon's "stopping" entry. From here on only {@link #serve()}, {@link #ending} and
     * the readers' own keys run.
     */
    public void beginStop(long nowNanos) {
        stopNanos = nowNanos;
        long end = ring.nextSeq();
        for (int i = 0; i < followers.size(); i++) {
            followers.get(i).endAt(end);
        }
    }

    /**
     * While the daemon stops: whether a reader is still being sent the end of its stream. At
     * {@link #STOP_SEND_NANOS} a reader still behind is sent no more entries, only the whole
     * lines it has buffered and a notice of what it missed; at {@link #STOP_NANOS} every reader
     * left is closed. So each stream ends after a whole line unless its reader took nothing in
     * that last part (the kernel may then hold part of a line that memlogd cannot take back).
     */
    public boolean ending(long nowNanos) {
        if (followers.isEmpty()) {
            return false;
        }
        if (nowNanos - (stopNanos + STOP_NANOS) >= 0) {
            while (!followers.isEmpty()) {
                finished(followers.get(followers.size() - 1));
            }
            return false;
        }
        if (!cutOff && nowNanos - (stopNanos + STOP_SEND_NANOS) >= 0) {
            cutOff = true;
            for (int i = 0; i < followers.size(); i++) {
                followers.get(i).sendNoMore("memlogd stopping");
            }
            serve();
        }
        return true;
    }

    /** While the daemon stops: when {@link #ending} must be asked again ({@link System#nanoTime()}). */
    public long stopDeadline() {
        return stopNanos + (cutOff ? STOP_NANOS : STOP_SEND_NANOS);
    }

    /** Writes the ring entries about readers lapped this round. */
    public void reportLaps() {
        for (int i = 0; i < lapReports.size(); i++) {
            ownLog.report("lapped", lapReports.get(i));
        }
        lapReports.clear();
    }

    @Override
    public void lapped(Follower follower, long missed, int laps) {
        lapReports.add(follower + " fell behind and missed " + missed + " entries ("
                + (laps == 1 ? "lapped once" : "lapped " + laps + " times") + " before it caught up or left)");
    }

    @Override
    public boolean hungUp(SelectableChannel channel) {
        try {
            return !(channel instanceof SocketChannel) || hangUps.hungUp((SocketChannel) channel);
        } catch (IOException e) {
            return true; // closed under us: gone
        }
    }

    @Override
    public void halfClosed(Follower follower) {
        if (!halfClosed.contains(follower)) {
            halfClosed.add(follower);
            nextHangUpProbe = Math.min(nextHangUpProbe, System.nanoTime() + HANG_UP_PROBE_NANOS);
        }
    }

    /**
     * Lets go the half-closed clients that have since closed: without a write to them (a
     * follower of a quiet ring), nothing else would tell, and each would keep its fd and
     * client slot. A few syscalls per half-closed client, once per {@link #HANG_UP_PROBE_NANOS}.
     */
    public void probeHalfClosed(long nowNanos) {
        if (nowNanos - nextHangUpProbe < 0) {
            return;
        }
        for (int i = halfClosed.size() - 1; i >= 0; i--) {
            Follower follower = halfClosed.get(i);
            if (hungUp(follower.channel())) {
                finished(follower);
            }
        }
        nextHangUpProbe = halfClosed.isEmpty() ? Long.MAX_VALUE : nowNanos + HANG_UP_PROBE_NANOS;
    }

    /** When {@link #probeHalfClosed} wants to run ({@link System#nanoTime()}), or {@link Long#MAX_VALUE}. */
    public long nextHangUpProbe() {
        return nextHangUpProbe;
    }

    @Override
    public void finished(Follower follower) {
        halfClosed.remove(follower);
        follower.close();
        if (followers.remove(follower)) {
            lostByGoneReaders += follower.lost();
            if (follower != console) {
                clients--;
            }
        }
    }

    /** Each reader now, the console echo included. */
    public void forEach(java.util.function.Consumer<Follower> action) {
        followers.forEach(action);
    }

    /** Entries missed by lapped readers since the start, by readers here and gone. */
    public long lostByLappedReaders() {
        long lost = lostByGoneReaders;
        for (Follower follower : followers) {
            lost += follower.lost();
        }
        return lost;
    }
}

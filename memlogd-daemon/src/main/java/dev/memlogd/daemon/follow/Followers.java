package dev.memlogd.daemon.follow;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.memlogd.core.ring.LogRing;
import dev.memlogd.core.wire.EntryEncoder;
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
    private final List<Follower> followers = new ArrayList<>();
    private final List<String> lapReports = new ArrayList<>();
    private final LogRing ring;
    private final Clock clock;
    private final OwnLog ownLog;
    private final HoldPolicy hold;
    private final int bufferSize;
    private final long clientWaitMillis;
    private final long minRate;
    private Follower console;
    private int clients;
    /** Entries missed by lapped readers that have gone (those of readers still here are theirs). */
    private long lostByGoneReaders;

    /**
     * @param bufferSize       {@code -client-buffer}: output buffered per reader
     * @param clientWaitMillis {@code -client-wait} (see {@link HoldPolicy})
     */
    public Followers(LogRing ring, Clock clock, OwnLog ownLog, int bufferSize, int maxLineLength,
            long clientWaitMillis) {
        this(ring, clock, ownLog, bufferSize, maxLineLength, clientWaitMillis, 0, 1);
    }

    /**
     * @param holdMinRate     {@code -hold-min-rate}: entries a second a holding reader must take while behind
     * @param holdMinTimeMillis {@code -hold-min-time}: the window that rate is measured over
     */
    public Followers(LogRing ring, Clock clock, OwnLog ownLog, int bufferSize, int maxLineLength,
            long clientWaitMillis, long holdMinRate, long holdMinTimeMillis) {
        this.ring = ring;
        this.clock = clock;
        this.ownLog = ownLog;
        this.bufferSize = bufferSize;
        this.clientWaitMillis = clientWaitMillis;
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
        // A following client's only input is its EOF. A dump client may half-close and must
        // still get its dump, so its EOF is not watched (it ends when the dump is sent, or
        // when a write fails).
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
    public void finished(Follower follower) {
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

package dev.memlogd.daemon.follow;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

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
    private final List<Follower> followers = new ArrayList<>();
    private final List<String> lapReports = new ArrayList<>();
    private final LogRing ring;
    private final Clock clock;
    private final OwnLog ownLog;
    private final HoldPolicy hold;
    private final HangUpProbe hangUps;
    private final int bufferSize;
    private final long clientWaitMillis;
    private Follower console;
    private int clients;

    /**
     * @param bufferSize       {@code -client-buffer}: output buffered per reader
     * @param clientWaitMillis {@code -client-wait} (see {@link HoldPolicy})
     * @param hangUps          tells a client that closed from one that only half-closed
     */
    public Followers(LogRing ring, Clock clock, OwnLog ownLog, int bufferSize, int maxLineLength,
            long clientWaitMillis, HangUpProbe hangUps) {
        this.ring = ring;
        this.clock = clock;
        this.ownLog = ownLog;
        this.bufferSize = bufferSize;
        this.clientWaitMillis = clientWaitMillis;
        this.hangUps = hangUps;
        this.hold = HoldPolicy.of(ring, maxLineLength, clientWaitMillis);
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
     * @param key the client's key, registered with the loop's selector; re-attached to the follower
     */
    public void addClient(SocketChannel channel, SelectionKey key, ReadPlan plan) {
        Follower follower = new Follower("query client", channel, ring, plan, EntryEncoder.JSON, bufferSize, clock,
                this);
        follower.attach(key);
        key.attach(follower);
        // A following client's only input is its EOF, watched so that a client that closes
        // while nothing is sent to it frees its fd at once. A dump client ends with its dump
        // anyway; its EOF is not watched.
        key.interestOps(plan.follow() ? SelectionKey.OP_READ : 0);
        if (hold.enabled()) {
            follower.holdIngest();
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
        return hold.budget(followers, System.nanoTime(), reader -> ownLog.report("client-wait", reader
                + " took nothing for " + clientWaitMillis + " ms (-client-wait) while ingest waited for it;"
                + " ingest goes on without it until it catches up, and it is told what it misses"));
    }

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
    public boolean hungUp(SelectableChannel channel) {
        try {
            return !(channel instanceof SocketChannel) || hangUps.hungUp((SocketChannel) channel);
        } catch (IOException e) {
            return true; // closed under us: gone
        }
    }

    @Override
    public void finished(Follower follower) {
        follower.close();
        if (followers.remove(follower) && follower != console) {
            clients--;
        }
    }
}

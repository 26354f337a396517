package dev.memlogd.daemon;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.memlogd.daemon.follow.Followers;
import dev.memlogd.daemon.ingest.Ingest;
import dev.memlogd.daemon.intake.SourceIntake;
import dev.memlogd.daemon.loop.KeyHandler;
import dev.memlogd.daemon.loop.OwnLog;
import dev.memlogd.daemon.query.QueryAcceptor;

/**
 * The daemon's one thread and one JDK epoll selector, which holds every fd: the two sockets,
 * every source, every client. Each round:
 * <ol>
 * <li>ask the hold policy how much the ring may take; if ingest must wait for readers, park the
 *     queued sources;</li>
 * <li>select: at once if sources wait to be read, else until something is ready or the next
 *     deadline (a handshake's, an accept pause's, a waiting reader's release, a rate limit
 *     window's end);</li>
 * <li>hand each ready key to the {@link KeyHandler} attached to it: receive fds, accept and
 *     shake hands with clients, queue ready sources, let writable readers send;</li>
 * <li>ingest: read each queued source once, within the budget; write the counts of sources whose
 *     rate limit window has ended;</li>
 * <li>serve the readers, then write the round's own entries (laps);</li>
 * <li>expire handshakes, resume accepting after an out-of-fds pause.</li>
 * </ol>
 * An idle daemon blocks in select with no timeout: no polling, whatever the number of fds.
 *
 * <p>When it stops, it appends its "stopping" entry, reads and accepts nothing more, and serves
 * only the readers, each to the end of its stream or to a short deadline (see
 * {@link Followers#ending}): no reader's stream ends inside a line.
 *
 * <p>Everything runs on the loop thread except {@link #requestStop()} and
 * {@link #stopAndAwait()} (any thread).
 */
final class EventLoop {
    /**
     * Longest sleep while ingest waits for readers. Each waiting reader's channel, and its
     * release deadline, wake the loop sooner; this only bounds what a reader the policy did
     * not account for could cost the writers.
     */
    private static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Selector selector;
    private final SourceIntake intake;
    private final Ingest ingest;
    private final Followers followers;
    private final QueryAcceptor acceptor;
    private final OwnLog ownLog;
    private final Runnable closeAll;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;

    /** @param closeAll closes every fd and removes the socket files; run once the loop ends */
    EventLoop(Selector selector, SourceIntake intake, Ingest ingest, Followers followers, QueryAcceptor acceptor,
            OwnLog ownLog, Runnable closeAll) {
        this.selector = selector;
        this.intake = intake;
        this.ingest = ingest;
        this.followers = followers;
        this.acceptor = acceptor;
        this.ownLog = ownLog;
        this.closeAll = closeAll;
    }

    /** Runs until {@link #requestStop()}; then closes every fd and removes the socket files it created. */
    void run() {
        intake.recordBaselineFds();
        try {
            while (!stopping) {
                round();
            }
        } catch (IOException | RuntimeException e) {
            // Only a bug gets here (each key's failures stay with its handler): say where.
            ownLog.append("memlogd event loop failed: " + e + " at " + java.util.Arrays.toString(e.getStackTrace()));
            e.printStackTrace();
        } finally {
            try {
                endStreams();
            } finally {
                closeAll.run();
                stopped.countDown();
            }
        }
    }

    /** The stop: the last entry, then the readers alone, until each stream has ended or the deadline. */
    private void endStreams() {
        ownLog.append("memlogd stopping");
        for (SelectionKey key : selector.keys()) {
            // Nothing more is read or accepted: those keys would only wake the selector.
            if (key.isValid() && !Followers.serves(key)) {
                key.interestOps(0);
            }
        }
        followers.beginStop(System.nanoTime());
        try {
            followers.serve();
            while (followers.ending(System.nanoTime())) {
                long millis = TimeUnit.NANOSECONDS.toMillis(followers.stopDeadline() - System.nanoTime()) + 1;
                selector.select(this::dispatch, Math.max(1, millis));
                followers.serve();
            }
        } catch (IOException | RuntimeException e) {
            // Stopping anyway; closeAll ends what is left.
            e.printStackTrace();
        }
    }

    private void round() throws IOException {
        boolean waiting = ingest.hasUnread() && followers.ingestBudget() <= 0;
        if (waiting) {
            ingest.park();
        }
        if (ingest.hasUnread() && !waiting) {
            selector.selectNow(this::dispatch);
        } else {
            selector.select(this::dispatch, timeoutMillis(waiting));
        }
        ingest.read(followers.ingestBudget());
        ingest.endRateWindows(System.nanoTime());
        followers.serve();
        followers.reportLaps();
        long now = System.nanoTime();
        acceptor.expireHandshakes(now);
        acceptor.resumeAccepting(now);
        followers.probeHalfClosed(now);
    }

    private void dispatch(SelectionKey key) {
        if (!key.isValid()) {
            return;
        }
        KeyHandler handler = (KeyHandler) key.attachment();
        try {
            handler.onReady(key);
        } catch (RuntimeException e) {
            // A bug met by one fd must not take the daemon down for everyone: drop that fd only.
            ownLog.append("memlogd: internal error on " + handler + ", dropping it: " + e + " at "
                    + (e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "?"));
            handler.abandon();
        }
    }

    /** How long select may block: 0 for no limit. */
    private long timeoutMillis(boolean waiting) {
        long now = System.nanoTime();
        long next = Math.min(Math.min(acceptor.nextDeadline(), ingest.nextRateWindowEnd()), followers.nextHangUpProbe());
        if (waiting) {
            next = Math.min(next, Math.min(followers.holdDeadline(), now + MAX_WAIT_NANOS));
        }
        if (next == Long.MAX_VALUE) {
            return 0;
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(next - now) + 1);
    }

    /** Asks the loop to stop; returns at once (any thread). */
    void requestStop() {
        stopping = true;
        selector.wakeup();
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
}

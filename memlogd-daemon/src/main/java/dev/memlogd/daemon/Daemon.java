package dev.memlogd.daemon;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;

import dev.memlogd.core.cli.VersionProvider;
import dev.memlogd.core.ring.LogRing;
import dev.memlogd.daemon.fd.FdBudget;
import dev.memlogd.daemon.fd.HangUpProbe;
import dev.memlogd.daemon.follow.ClientBuffers;
import dev.memlogd.daemon.follow.ConsoleEcho;
import dev.memlogd.daemon.follow.Followers;
import dev.memlogd.daemon.ingest.Ingest;
import dev.memlogd.daemon.ingest.SourceLedger;
import dev.memlogd.daemon.intake.OwnSockets;
import dev.memlogd.daemon.intake.SourceIntake;
import dev.memlogd.daemon.loop.Clock;
import dev.memlogd.daemon.loop.OwnLog;
import dev.memlogd.daemon.query.QueryAcceptor;
import dev.memlogd.daemon.stats.StatsReport;

/**
 * The daemon wired from its parts, in the order data flows: the log socket's
 * {@link SourceIntake} turns received fds into sources of {@link Ingest}, which appends their
 * lines to the {@link LogRing}; the query socket's {@link QueryAcceptor} turns clients into
 * {@link Followers} of the ring; the {@link EventLoop} runs them all on one thread.
 */
final class Daemon {
    private final DaemonSockets sockets;
    private final Selector selector;
    private final HangUpProbe hangUps;
    private final OwnLog ownLog;
    private final EventLoop loop;
    private final FdBudget fdBudget;
    private final ClientBuffers clientBuffers;
    /** What sets the number of query clients at once. */
    private final String clientsLimit;
    private final String identity = newIdentity();

    private Daemon(DaemonConfig config, DaemonSockets sockets, Selector selector) throws IOException {
        this.sockets = sockets;
        this.selector = selector;
        LogRing ring = new LogRing(config.maxLines(), config.maxBytes());
        Clock clock = new Clock();
        this.ownLog = new OwnLog(ring, clock, config.maxLineLength());
        SourceLedger ledger = new SourceLedger(config.statsClosedSources());
        Ingest ingest = new Ingest(ring, clock, ownLog, selector, config.readChunk(), config.maxLineLength(),
                config.syslogPrefix(), config.rateLimit(), ledger);
        this.hangUps = HangUpProbe.open();
        Followers followers = new Followers(ring, clock, ownLog, config.clientBuffer(), config.maxLineLength(),
                config.clientWaitMillis(), config.holdMinRate(), config.holdMinTimeMillis(), hangUps);
        StatsReport stats = new StatsReport(identity, VersionProvider.version(), config::writeOptions, ring, ledger,
                followers, clock);
        this.fdBudget = FdBudget.plan(config.maxSources(), config.maxClients(), config.maxPending(),
                FdBudget.fdLimit(), FdBudget.openFdCount() + (config.consoleEcho() ? 2 : 0));
        if (fdBudget.noSourceFits()) {
            throw new IOException("the process fd limit (" + fdBudget.limit() + ") leaves no fd for a source once "
                    + fdBudget.reserve() + " are kept for query clients, incoming datagrams and the loop; raise it"
                    + " (ulimit -n)");
        }
        // Every client's output buffer is direct memory, which the JVM caps: a client past the
        // cap killed the loop with OutOfMemoryError, so clients are bounded by both fds and memory.
        this.clientBuffers = ClientBuffers.plan(fdBudget.clients(), config.clientBuffer(), config.readChunk(),
                ClientBuffers.jvmDirectLimit());
        String clientsLimit = clientBuffers.clients() < fdBudget.clients() ? clientBuffers.describe(config.clientBuffer())
                : fdBudget.clients() < config.maxClients()
                ? "all the process fd limit (" + fdBudget.limit() + ") allows" : "-max-clients";
        this.clientsLimit = clientsLimit;
        QueryAcceptor.Limits limits = new QueryAcceptor.Limits(clientBuffers.clients(), clientsLimit, fdBudget.pending(),
                config.maxPendingPerUid(), config.modeTimeoutMillis());
        QueryAcceptor acceptor = new QueryAcceptor(sockets.query, selector, ring, followers, ownLog, clock, limits,
                config.access(), identity, stats);
        String budgetLimit = fdBudget.sources() < config.maxSources()
                ? "all the process fd limit (" + fdBudget.limit() + ") allows while keeping "
                        + fdBudget.reserve() + " fds for query clients and incoming datagrams"
                : "the -max-sources limit";
        SourceIntake intake = new SourceIntake(sockets.log, selector, ingest, ownLog, OwnSockets.of(sockets.query),
                fdBudget.sources(), budgetLimit);
        sockets.log.selectable().register(selector, SelectionKey.OP_READ, intake);
        if (config.consoleEcho()) {
            followers.addConsole(ConsoleEcho.start(), selector);
        }
        this.loop = new EventLoop(selector, intake, ingest, followers, acceptor, ownLog, this::close);
    }

    /** Binds (or inherits) both sockets; when this returns, both accept. */
    static Daemon open(DaemonConfig config) throws IOException {
        DaemonSockets sockets = DaemonSockets.open(config);
        Selector selector = null;
        try {
            selector = Selector.open();
            return new Daemon(config, sockets, selector);
        } catch (IOException | RuntimeException e) {
            if (selector != null) {
                closeChannels(selector);
            }
            sockets.close();
            throw e;
        }
    }

    String logSocketName() {
        return sockets.logName();
    }

    String querySocketName() {
        return sockets.queryName();
    }

    /**
     * This start of the daemon, as clients name it to resume (docs/protocol.md, section 5): a
     * random UUID, new at every start, so that a seq of one daemon is never taken for the same
     * seq of the next.
     */
    String identity() {
        return identity;
    }

    /** A new random UUID: the kernel's (no entropy pool of our own to seed at boot), else the JDK's. */
    private static String newIdentity() {
        try {
            String uuid = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/random/uuid")).trim();
            if (uuid.matches("[0-9a-f-]{36}")) {
                return uuid;
            }
        } catch (IOException | RuntimeException e) {
            // No /proc: the JDK's generator.
        }
        return java.util.UUID.randomUUID().toString();
    }

    /** How the fd limit is shared: sources the daemon will read at once, clients, what is kept. */
    FdBudget fdBudget() {
        return fdBudget;
    }

    /** For the start entry: query clients at once, and what limits them when not {@code -max-clients}. */
    String describeClients() {
        return "query clients at once " + clientBuffers.clients()
                + (clientsLimit.equals("-max-clients") ? "" : " (" + clientsLimit + ")");
    }

    /** Appends one of the daemon's own messages to the ring, as source {@code memlogd}. */
    void ownMessage(String message) {
        ownLog.append(message);
    }

    /** Serves until {@link #requestStop()}; then closes everything and removes the socket files. */
    void run() {
        loop.run();
    }

    /** Asks the loop to stop; returns at once (any thread). */
    void requestStop() {
        loop.requestStop();
    }

    /** Asks the loop to stop and waits a little for it to close everything (any thread). */
    void stopAndAwait() {
        loop.stopAndAwait();
    }

    /** Closes every fd and removes the socket files this process created (also for a start that failed after binding). */
    void close() {
        closeChannels(selector);
        try {
            hangUps.close();
        } catch (IOException e) {
            // Exiting anyway.
        }
        try {
            sockets.close();
        } catch (IOException e) {
            // Exiting anyway.
        }
    }

    private static void closeChannels(Selector selector) {
        for (SelectionKey key : selector.keys()) {
            try {
                key.channel().close();
            } catch (IOException e) {
                // Nothing more to do for a channel we are dropping.
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            // Exiting anyway.
        }
    }
}

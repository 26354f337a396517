package dev.memlogd.daemon;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.memlogd.core.cli.Cli;
import dev.memlogd.core.cli.FastFlags;
import dev.memlogd.core.cli.GoBoolean;
import dev.memlogd.core.cli.GoDuration;
import dev.memlogd.core.cli.GoFlagSyntax;
import dev.memlogd.core.cli.StopSignals;
import dev.memlogd.core.cli.VersionProvider;
import dev.memlogd.core.wire.EntryJsonEncoder;
import dev.memlogd.daemon.fd.FdChannels;
import dev.memlogd.daemon.fd.SocketModes;
import dev.memlogd.daemon.ingest.RateLimit;
import dev.memlogd.daemon.ingest.SyslogSources;
import dev.memlogd.daemon.query.Access;
import dev.memlogd.core.wire.LinuxKit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code memlogd}: LinuxKit's in-memory log daemon. Parses LinuxKit's flags (Go syntax:
 * {@code -flag}, {@code --flag}, {@code -flag=value}, {@code -flag value}) and ours, then
 * starts the {@link Daemon}.
 */
@Command(name = "memlogd", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        modelTransformer = GoFlagSyntax.class, sortOptions = false,
        description = "Keeps the log lines of every fd handed to it over the log socket in a bounded"
                + " in-memory ring, and serves them on the query socket (LinuxKit's memlogd protocol,"
                + " see docs/protocol.md).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:stopped by SIGTERM, or started in the background (-daemonize)",
            "1:could not start (socket in use, bad JDK, ...)",
            "2:bad command line"})
public final class MemlogdCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-socket-log", "--socket-log"}, paramLabel = "PATH",
            description = "Log socket: datagrams carrying a source name and fds (default: ${DEFAULT-VALUE}).")
    Path logSocket = Path.of(LinuxKit.DEFAULT_LOG_SOCKET);

    @Option(names = {"-socket-query", "--socket-query"}, paramLabel = "PATH",
            description = "Query socket (default: ${DEFAULT-VALUE}).")
    Path querySocket = Path.of(LinuxKit.DEFAULT_QUERY_SOCKET);

    @Option(names = {"-fd-log", "--fd-log"}, paramLabel = "FD",
            description = "Use this inherited, bound datagram socket instead of -socket-log (default: ${DEFAULT-VALUE}).")
    int logFd = -1;

    @Option(names = {"-fd-query", "--fd-query"}, paramLabel = "FD",
            description = "Use this inherited, listening stream socket instead of -socket-query (default: ${DEFAULT-VALUE}).")
    int queryFd = -1;

    @Option(names = {"-max-lines", "--max-lines"}, paramLabel = "N",
            description = "Entries kept in the ring (default: ${DEFAULT-VALUE}).")
    int maxLines = LinuxKit.DEFAULT_MAX_LINES;

    @Option(names = {"-max-line-len", "--max-line-len"}, paramLabel = "BYTES",
            description = "Bytes kept per line; the rest of a longer line is dropped and the entry"
                    + " marked truncated (default: ${DEFAULT-VALUE}).")
    int maxLineLength = LinuxKit.DEFAULT_MAX_LINE_LEN;

    @Option(names = {"-daemonize", "--daemonize"}, arity = "0..1", paramLabel = "BOOL", fallbackValue = "true",
            converter = GoBoolean.class,
            description = "Bind both sockets, run in the background, and return 0 once they accept.")
    boolean daemonize;

    @Option(names = {"-max-bytes", "--max-bytes"}, paramLabel = "BYTES",
            description = "Bytes of entries kept in the ring, headers included (default: ${DEFAULT-VALUE}).")
    int maxBytes = 8 << 20;

    @Option(names = {"-max-sources", "--max-sources"}, paramLabel = "N",
            description = "Fds read at once; more are refused with a memlogd entry (default: ${DEFAULT-VALUE}).")
    int maxSources = 4096;

    @Option(names = {"-max-clients", "--max-clients"}, paramLabel = "N",
            description = "Query connections at once; more are refused (default: ${DEFAULT-VALUE}).")
    int maxClients = 64;

    @Option(names = {"-client-buffer", "--client-buffer"}, paramLabel = "BYTES",
            description = "Output buffered per query connection, and for the console (default: ${DEFAULT-VALUE}).")
    int clientBuffer = 64 << 10;

    @Option(names = {"-read-chunk", "--read-chunk"}, paramLabel = "BYTES",
            description = "Bytes read from one source per loop round, so no source starves"
                    + " the others (default: ${DEFAULT-VALUE}).")
    int readChunk = 16 << 10;

    @Option(names = {"-mode-timeout", "--mode-timeout"}, paramLabel = "MS",
            description = "A query client that sends no mode byte (or request) within this is told"
                    + " and disconnected (default: ${DEFAULT-VALUE}).")
    long modeTimeoutMillis = 5000;

    @Option(names = {"-client-wait", "--client-wait"}, paramLabel = "MS",
            description = "Ingest waits for a query client that keeps reading rather than evict entries"
                    + " it has not been sent; a client that takes nothing for this long is lapped instead"
                    + " (told how many entries it missed). 0: never wait, LinuxKit's behaviour"
                    + " (default: ${DEFAULT-VALUE}).")
    long clientWaitMillis = 1000;

    @Option(names = {"-max-pending", "--max-pending"}, paramLabel = "N",
            description = "Connections still owing their mode byte at once; a newer one closes the oldest"
                    + " (told why) rather than be refused (default: ${DEFAULT-VALUE}).")
    int maxPending = 64;

    @Option(names = {"-max-pending-per-uid", "--max-pending-per-uid"}, paramLabel = "N",
            description = "Of those, connections of one user: a newer one closes that user's oldest, so one"
                    + " user's silent connections never crowd out another's (default: ${DEFAULT-VALUE}).")
    int maxPendingPerUid = 16;

    @Option(names = {"-read-uids", "--read-uids"}, paramLabel = "USERS",
            description = "Users (names or uids, comma-separated) allowed to read the log; with -read-gids"
                    + " also empty, anyone who can connect to the query socket (default: empty).")
    String readUids = "";

    @Option(names = {"-read-gids", "--read-gids"}, paramLabel = "GROUPS",
            description = "Groups (names or gids) allowed to read the log: a client's primary group, as the"
                    + " kernel reports it (default: empty).")
    String readGids = "";

    @Option(names = {"-hold-uids", "--hold-uids"}, paramLabel = "USERS",
            description = "Users whose reading may hold ingest back (-client-wait); other readers are lapped"
                    + " when they fall behind (default: ${DEFAULT-VALUE}, root).")
    String holdUids = "0";

    @Option(names = {"-hold-gids", "--hold-gids"}, paramLabel = "GROUPS",
            description = "Groups (a client's primary group) whose reading may hold ingest back (default: empty).")
    String holdGids = "";

    @Option(names = {"-hold-min-rate", "--hold-min-rate"}, paramLabel = "N",
            description = "Entries a second a holding reader must take while it is behind; one slower for"
                    + " -hold-min-time while ingest waits for it stops holding and is told. 0: no bound"
                    + " (default: ${DEFAULT-VALUE}).")
    long holdMinRate = 5000;

    @Option(names = {"-hold-min-time", "--hold-min-time"}, paramLabel = "MS",
            description = "The window -hold-min-rate is measured over (default: ${DEFAULT-VALUE}).")
    long holdMinTimeMillis = 10_000;

    @Option(names = {"-socket-log-mode", "--socket-log-mode"}, paramLabel = "MODE",
            description = "Octal mode of the log socket file: who may connect (write) may hand memlogd fds"
                    + " (default: ${DEFAULT-VALUE}, only the owner).")
    String logSocketMode = "0755";

    @Option(names = {"-socket-query-mode", "--socket-query-mode"}, paramLabel = "MODE",
            description = "Octal mode of the query socket file: who may connect may read the log, unless"
                    + " -read-uids/-read-gids say otherwise (default: empty, as the umask leaves it).")
    String querySocketMode = "";

    @Option(names = {"-socket-group", "--socket-group"}, paramLabel = "GROUP",
            description = "Group of both socket files, for modes that let a group connect (default: empty,"
                    + " the daemon's group).")
    String socketGroup = "";

    @Option(names = {"-no-console", "--no-console"}, arity = "0..1", paramLabel = "BOOL", fallbackValue = "true",
            converter = GoBoolean.class,
            description = "Do not print entries on stdout (the default in the foreground is to print"
                    + " them in logread's format, as LinuxKit does; a stalled stdout never stalls ingest).")
    boolean noConsole;

    @Option(names = {"-syslog-prefix", "--syslog-prefix"}, paramLabel = "SOURCES",
            description = "Sources (comma-separated names, or * for all) whose lines may start with a syslog"
                    + " priority <N> (sd-daemon(3), /dev/kmsg): it is taken off the message and sent as the"
                    + " entry's \"pri\" field, which a query's level filters on. Default: none, so every"
                    + " line is kept as LinuxKit's memlogd keeps it.")
    String syslogPrefix = "";

    @Option(names = {"-rate-limit-burst", "--rate-limit-burst"}, paramLabel = "N",
            description = "Lines one source may append per -rate-limit-interval; its further lines in that"
                    + " interval are counted, not kept, and one entry under its name (\"suppressed\":true) says"
                    + " how many. 0: no limit, every line is kept, as LinuxKit's memlogd keeps it"
                    + " (default: ${DEFAULT-VALUE}; docs/reliability.md).")
    int rateLimitBurst = 0;

    @Option(names = {"-rate-limit-interval", "--rate-limit-interval"}, paramLabel = "DURATION",
            description = "The window of -rate-limit-burst, in Go's syntax: 30s, 1m, 500ms"
                    + " (default: ${DEFAULT-VALUE}).")
    String rateLimitInterval = "30s";

    @Option(names = {"-stats-closed-sources", "--stats-closed-sources"}, paramLabel = "N",
            description = "Closed sources whose counters the statistics keep (logread --stats); older ones are"
                    + " forgotten and counted (default: ${DEFAULT-VALUE}).")
    int statsClosedSources = 1000;

    @Option(names = {"-ready-fd", "--ready-fd"}, paramLabel = "FD", hidden = true,
            description = "Write READY (or ERROR reason) to this fd once both sockets accept, then close it."
                    + " Used by the launcher for -daemonize.")
    int readyFd = -1;

    @Override
    public Integer call() throws Exception {
        String problem = problem();
        if (problem != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), problem);
        }
        return run(spec.commandLine().getErr());
    }

    /** Starts the daemon with the flags set; returns the exit code. */
    private int run(PrintWriter err) throws IOException, InterruptedException {
        DaemonConfig config = config();
        if (daemonize && readyFd < 0) {
            // Started as `java -jar memlogd.jar -daemonize` rather than through bin/memlogd.
            return Daemonizer.spawnAndWait(err);
        }
        if (readyFd >= 0) {
            // Started in the background by bin/memlogd -daemonize: hold nothing of the starter's.
            Daemonizer.closeInheritedFds(readyFd, logFd, queryFd);
        }
        Daemon daemon;
        try {
            daemon = Daemon.open(config);
        } catch (IOException | RuntimeException e) {
            return cannotStart(e, err);
        }
        // Both sockets accept from here on. The self-test of the JDK internals the loop relies
        // on runs after binding, not before: init waits for the sockets, not for the test, which
        // is a noticeable part of a cold start (docs/PERFORMANCE.md). A failure still stops the
        // daemon before READY.
        try {
            FdChannels.selfTest();
        } catch (IOException | RuntimeException e) {
            daemon.close();
            return cannotStart(e, err);
        }
        daemon.ownMessage("memlogd " + new VersionProvider().getVersion()[0] + " started on JDK "
                + Runtime.version() + ", identity " + daemon.identity() + ": log " + daemon.logSocketName() + ", query " + daemon.querySocketName()
                + ", max-lines " + maxLines + ", max-bytes " + maxBytes + ", " + daemon.fdBudget().describe(maxSources)
                + ", " + daemon.describeClients()
                + (config.syslogPrefix().isNone() ? "" : ", syslog-prefix " + config.syslogPrefix())
                + (config.rateLimit().isOff() ? "" : ", rate limit " + config.rateLimit()));
        Daemonizer.reportReady(readyFd, "READY");
        // SIGTERM/SIGINT stop the loop, which cleans up, and main returns 0: a clean stop.
        // The shutdown hook covers anything else that ends the JVM (System.exit elsewhere).
        StopSignals.onStop(daemon::requestStop);
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(daemon::stopAndAwait, "memlogd-shutdown"));
        } catch (IllegalStateException e) {
            // SIGTERM came before the handler above was in place: the JVM is already exiting.
            // Clean up as a stop would (socket files), say so in one line, and let it exit.
            daemon.close();
            err.println("memlogd: stopped while starting");
            err.flush();
            return 143;
        }
        daemon.run();
        return 0;
    }

    private int cannotStart(Exception e, PrintWriter err) {
        String reason = "memlogd: cannot start: " + e.getMessage();
        if (!Daemonizer.reportReady(readyFd, "ERROR " + reason)) {
            err.println(reason);
        }
        return 1;
    }

    /** The first flag value out of range, as a message, or null when all are fine. */
    String problem() {
        int minBuffer = EntryJsonEncoder.maxEncodedLength(LinuxKit.MAX_NAME_LEN, maxLineLength);
        return maxLines < 1 ? "-max-lines must be at least 1: " + maxLines
                : maxLineLength < 1 ? "-max-line-len must be at least 1: " + maxLineLength
                : maxBytes < 4096 ? "-max-bytes must be at least 4096: " + maxBytes
                : maxSources < 1 ? "-max-sources must be at least 1: " + maxSources
                : maxClients < 1 ? "-max-clients must be at least 1: " + maxClients
                : clientBuffer < minBuffer ? "-client-buffer must hold one entry of -max-line-len "
                        + maxLineLength + " bytes, at least " + minBuffer + ": " + clientBuffer
                : readChunk < 1 ? "-read-chunk must be at least 1: " + readChunk
                : modeTimeoutMillis < 1 ? "-mode-timeout must be at least 1: " + modeTimeoutMillis
                : clientWaitMillis < 0 ? "-client-wait must be at least 0: " + clientWaitMillis
                : rateLimitBurst < 0 ? "-rate-limit-burst must be at least 0: " + rateLimitBurst
                : statsClosedSources < 0 ? "-stats-closed-sources must be at least 0: " + statsClosedSources
                : rateLimitIntervalProblem() != null ? rateLimitIntervalProblem()
                : maxPending < 1 ? "-max-pending must be at least 1: " + maxPending
                : maxPendingPerUid < 1 ? "-max-pending-per-uid must be at least 1: " + maxPendingPerUid
                : holdMinRate < 0 ? "-hold-min-rate must be at least 0: " + holdMinRate
                : holdMinTimeMillis < 1 ? "-hold-min-time must be at least 1: " + holdMinTimeMillis
                : SocketModes.problem(logSocketMode, querySocketMode, socketGroup) != null
                        ? SocketModes.problem(logSocketMode, querySocketMode, socketGroup)
                : accessProblem() != null ? accessProblem()
                : logFd < 0 && queryFd < 0 && samePath(logSocket, querySocket)
                        ? "-socket-log and -socket-query must be two paths, not both " + logSocket
                : null;
    }

    private String rateLimitIntervalProblem() {
        try {
            return GoDuration.parseNanos(rateLimitInterval) > 0 ? null
                    : "-rate-limit-interval must be more than 0: " + rateLimitInterval;
        } catch (IllegalArgumentException e) {
            return "-rate-limit-interval: " + e.getMessage();
        }
    }

    private String accessProblem() {
        try {
            Access.parse(readUids, readGids, holdUids, holdGids);
            return null;
        } catch (IllegalArgumentException e) {
            return "-read-uids, -read-gids, -hold-uids, -hold-gids: " + e.getMessage();
        }
    }

    private static boolean samePath(Path a, Path b) {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    private DaemonConfig config() {
        return new DaemonConfig(logSocket, querySocket, logFd, queryFd, maxLines, maxBytes, maxLineLength,
                maxSources, maxClients, clientBuffer, readChunk, modeTimeoutMillis, clientWaitMillis,
                !noConsole && !daemonize, SyslogSources.parse(syslogPrefix),
                RateLimit.of(rateLimitBurst, GoDuration.parseNanos(rateLimitInterval), rateLimitInterval),
                maxPending, maxPendingPerUid,
                Access.parse(readUids, readGids, holdUids, holdGids), holdMinRate, holdMinTimeMillis,
                new SocketModes(logSocketMode, querySocketMode, socketGroup), statsClosedSources);
    }

    /**
     * The fast path to {@code bind}: sets the flags of an ordinary command line from the
     * {@code @Option} fields above without building picocli's model, which is the costly part
     * of a cold start (docs/PERFORMANCE.md, startup). It reads the index of those fields the
     * build wrote into the jar ({@link FastFlags}), so the fields are the only list of flags.
     * Anything it does not handle ({@code --help}, a typo, a bad value, an argument) returns
     * false, and {@link #main} leaves the whole command line to picocli, so help, errors and
     * exit codes are picocli's. {@code MemlogdCommandTest} checks that every picocli option is
     * handled here and gives the same values, and that the index in the jar is current.
     *
     * @return true when every argument was a flag handled here
     */
    boolean parseFast(String[] args) {
        return FastFlags.parse(this, FastFlags.Index.load(MemlogdCommand.class), args);
    }

    /** Parses, runs, exits. */
    public static void main(String[] args) {
        MemlogdCommand fast = new MemlogdCommand();
        if (fast.parseFast(args) && fast.problem() == null) {
            PrintWriter err = new PrintWriter(new FileOutputStream(java.io.FileDescriptor.err), true,
                    StandardCharsets.UTF_8);
            int exit;
            try {
                exit = fast.run(err);
            } catch (IOException | InterruptedException | RuntimeException e) {
                err.println("memlogd: " + e); // what picocli's execute() would report, less the trace
                exit = 1;
            }
            System.exit(exit);
        }
        CommandLine cl = Cli.commandLine(new MemlogdCommand());
        int readyFd = readyFdOf(args);
        if (readyFd < 0) {
            System.exit(cl.execute(args));
        }
        // Started by bin/memlogd -daemonize: stdout and stderr are /dev/null. What picocli says
        // (--help, --version, a bad command line) goes back through the ready pipe instead, with
        // the exit code, so that -daemonize behaves as the foreground run does.
        java.io.StringWriter said = new java.io.StringWriter();
        cl.setOut(new PrintWriter(said, true));
        cl.setErr(new PrintWriter(said, true));
        int exit = cl.execute(args);
        Daemonizer.reportReady(readyFd, "EXIT " + exit + "\n" + said.toString().stripTrailing());
        System.exit(exit);
    }

    /** The launcher's {@code -ready-fd=N}, or -1. */
    private static int readyFdOf(String[] args) {
        for (String arg : args) {
            if (arg.startsWith("-ready-fd=") && arg.substring(10).matches("[0-9]{1,9}")) {
                return Integer.parseInt(arg.substring(10));
            }
        }
        return -1;
    }
}

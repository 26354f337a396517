package dev.memlogd.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.memlogd.core.client.QueryClient;
import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.core.wire.EntryJsonParser;
import dev.memlogd.testkit.Await;
import dev.memlogd.testkit.ProcFs;
import dev.memlogd.testkit.Processes;
import dev.memlogd.testkit.SocketProbes;
import dev.memlogd.testkit.TempDirs;

/**
 * One memlogd daemon, started through the real launcher as a child process:
 * {@code $memlogd.home/bin/memlogd -socket-log DIR/log.sock -socket-query DIR/q.sock -no-console [flags]}
 * in a fresh temp directory {@code DIR}, with its stdout and stderr in files of that directory
 * (see {@link #output()}; {@link DaemonOutputOnFailure} prints them when a test fails).
 *
 * <p>{@link #start} returns only once <em>both</em> sockets accept: a datagram socket can be
 * connected to the log socket, and a dump on the query socket is answered to its end.
 * The launcher {@code exec}s java (directly, or through {@code sh -c '...; exec bin/memlogd'}
 * when a shell prefix is given), so {@link #pid()} is the daemon's JVM and the {@code /proc}
 * readings ({@link #threadCount()}, {@link #openFdCount()}, {@link #cpuTicks()}) are the daemon's.
 *
 * <p>{@link #close()} sends SIGTERM, waits for the exit (SIGKILL after a deadline) and deletes
 * the directory. Instances may be shared by the tests of a class; not thread-safe.
 */
final class DaemonProcess implements AutoCloseable {
    /** Daemons alive in this JVM, so that a failing test can print their output. */
    static final Set<DaemonProcess> LIVE = ConcurrentHashMap.newKeySet();

    private static final Duration START_DEADLINE = Duration.ofSeconds(30);
    /** Numbers the output files of the daemons started in one directory. */
    private static final AtomicInteger STARTED = new AtomicInteger();

    private final Path dir;
    private final Path logSocket;
    private final Path querySocket;
    private final Process process;
    private final List<String> command;
    private final Path stdout;
    private final Path stderr;

    private DaemonProcess(Path dir, Path logSocket, Path querySocket, Process process, List<String> command,
            Path stdout, Path stderr) {
        this.dir = dir;
        this.logSocket = logSocket;
        this.querySocket = querySocket;
        this.process = process;
        this.command = command;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** The repository root (system property {@code memlogd.home}, set by the root pom). */
    static Path home() {
        return Path.of(System.getProperty("memlogd.home", ".")).toAbsolutePath().normalize();
    }

    /** A launcher of {@code bin/}, e.g. {@code bin("logread")}. */
    static Path bin(String program) {
        return home().resolve("bin").resolve(program);
    }

    /** Starts a daemon with these extra flags and waits until both sockets accept. */
    static DaemonProcess start(String... flags) throws IOException {
        return startInShell(null, flags);
    }

    /**
     * Starts a daemon through {@code sh -c '<shellPrefix>; exec bin/memlogd ...'} (for example
     * {@code ulimit -n 200}), or directly when {@code shellPrefix} is null, and waits until
     * both sockets accept.
     */
    static DaemonProcess startInShell(String shellPrefix, String... flags) throws IOException {
        return startIn(Files.createTempDirectory("memlogd-e2e-"), shellPrefix, flags);
    }

    /**
     * {@link #startInShell} with the sockets in an existing directory {@code dir}
     * ({@code DIR/log.sock}, {@code DIR/q.sock}): where another daemon ran before.
     * {@link #close()} deletes {@code dir}.
     */
    static DaemonProcess startIn(Path dir, String shellPrefix, String... flags) throws IOException {
        return launch(dir, shellPrefix, Console.NONE, flags);
    }

    /**
     * Starts a daemon without {@code -no-console}: as LinuxKit's, it prints every entry on its
     * stdout ({@link #stdoutText()}).
     */
    static DaemonProcess startWithConsole(String... flags) throws IOException {
        return launch(Files.createTempDirectory("memlogd-e2e-"), null, Console.FILE, flags);
    }

    /**
     * Starts a daemon without {@code -no-console} whose stdout is a pipe that nobody reads until
     * the test does ({@code process().getInputStream()}): a console that has stalled (a slow
     * serial line, a hung terminal) once the pipe is full.
     */
    static DaemonProcess startWithStalledConsole(String... flags) throws IOException {
        return launch(Files.createTempDirectory("memlogd-e2e-"), null, Console.STALLED, flags);
    }

    /** Where the daemon's console echo goes. */
    private enum Console { NONE, FILE, STALLED }

    private static DaemonProcess launch(Path dir, String shellPrefix, Console console, String... flags)
            throws IOException {
        Path log = dir.resolve("log.sock");
        Path query = dir.resolve("q.sock");
        List<String> command = new ArrayList<>(List.of(bin("memlogd").toString(),
                "-socket-log", log.toString(), "-socket-query", query.toString()));
        if (console == Console.NONE) {
            command.add("-no-console");
        }
        command.addAll(List.of(flags));
        if (shellPrefix != null) {
            String joined = command.stream().map(DaemonProcess::shellQuote).collect(Collectors.joining(" "));
            command = List.of("sh", "-c", shellPrefix + "; exec " + joined);
        }
        int number = STARTED.incrementAndGet();
        Path stdout = dir.resolve("daemon-" + number + ".stdout");
        Path stderr = dir.resolve("daemon-" + number + ".stderr");
        Process process = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(console == Console.STALLED ? ProcessBuilder.Redirect.PIPE
                        : ProcessBuilder.Redirect.to(stdout.toFile()))
                .redirectError(stderr.toFile())
                .start();
        DaemonProcess daemon = new DaemonProcess(dir, log, query, process, command, stdout, stderr);
        LIVE.add(daemon);
        try {
            daemon.awaitSocketsAccept();
        } catch (RuntimeException | Error e) {
            String output = daemon.output();
            daemon.close();
            throw new AssertionError("daemon did not start: " + e.getMessage() + "\n" + output, e);
        }
        return daemon;
    }

    private void awaitSocketsAccept() {
        Await.await(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("daemon exited with " + process.exitValue());
            }
            return SocketProbes.datagramConnects(logSocket) && querySocketAnswers(querySocket);
        }, START_DEADLINE, "both sockets of " + command + " accept");
    }

    /** Whether a dump (mode 0) on {@code path} is answered to its end: the daemon serves queries. */
    static boolean querySocketAnswers(Path path) {
        return SocketProbes.streamAnswers(path, LinuxKit.MODE_DUMP);
    }

    Path dir() {
        return dir;
    }

    Path logSocket() {
        return logSocket;
    }

    Path querySocket() {
        return querySocket;
    }

    Process process() {
        return process;
    }

    /** The daemon JVM's pid (the launcher execs java). */
    long pid() {
        return process.pid();
    }

    /** OS threads of the daemon ({@code Threads:} of {@code /proc/PID/status}). */
    int threadCount() throws IOException {
        return (int) ProcFs.statusValue(pid(), "Threads:");
    }

    /** Open fds of the daemon (entries of {@code /proc/PID/fd}). */
    int openFdCount() throws IOException {
        return ProcFs.openFdCount(pid());
    }

    /**
     * The daemon's open fds and what each points at ({@code socket:[ino]}, a path), for counting
     * and diagnostics. Left out: files under {@code /sys/fs/cgroup/}, which the JVM's own
     * threads (container support) open and close now and then, whatever the daemon does.
     */
    SortedMap<Integer, String> openFds() throws IOException {
        SortedMap<Integer, String> fds = ProcFs.openFds(pid());
        fds.values().removeIf(target -> target.startsWith("/sys/fs/cgroup/"));
        return fds;
    }

    /**
     * The daemon's open fds once two listings in a row agree: a baseline to come back to.
     * (A query client's fd can outlive the client's EOF by a moment: the JDK shuts a registered
     * channel down at once but closes it at the selector's next round.)
     */
    SortedMap<Integer, String> settledOpenFds() {
        AtomicReference<SortedMap<Integer, String>> previous = new AtomicReference<>();
        return Await.awaitValue(() -> {
            SortedMap<Integer, String> fds = openFds();
            return fds.equals(previous.getAndSet(fds)) ? fds : null;
        }, fds -> fds != null, "two equal listings of the daemon's fds");
    }

    /**
     * Waits until the daemon has exactly as many open fds as in {@code baseline} (from
     * {@link #settledOpenFds()}); a failure shows both listings.
     */
    void awaitFdCount(SortedMap<Integer, String> baseline) {
        Await.awaitValue(this::openFds, fds -> fds.size() == baseline.size(),
                "daemon's fd count back to its baseline of " + baseline.size() + ": " + baseline);
    }

    /** CPU ticks (100 = one core busy) the daemon uses in a 1 s window. */
    long cpuTicksPerSecond() throws IOException {
        long before = cpuTicks();
        Await.measurementWindow(Duration.ofSeconds(1));
        return cpuTicks() - before;
    }

    /** utime + stime of the daemon, all threads, in clock ticks ({@code /proc/PID/stat} fields 14, 15). */
    long cpuTicks() throws IOException {
        return ProcFs.cpuTicks(pid());
    }

    /** The {@code Max open files} soft limit of the daemon, from {@code /proc/PID/limits}. */
    long maxOpenFiles() throws IOException {
        return ProcFs.softLimit(pid(), "Max open files");
    }

    /** Asks the daemon to stop, as init does at shutdown ({@link Process#destroy()} is SIGTERM). */
    void sigterm() {
        process.destroy();
    }

    /** Sends SIGINT, as a Ctrl-C in the terminal that started it does. */
    void sigint() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -INT " + pid() + " failed: exit " + kill.exitValue());
        }
    }

    /** Kills the daemon with SIGKILL: no cleanup, as after a crash or the OOM killer. */
    void sigkill() {
        process.destroyForcibly();
    }

    /**
     * Waits for the daemon to exit.
     *
     * @return its exit code
     * @throws AssertionError when it is still running at the deadline
     */
    int awaitExit(Duration deadline) throws InterruptedException {
        if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("daemon still running " + deadline.toMillis() + " ms later\n" + output());
        }
        return process.exitValue();
    }

    // --- querying ------------------------------------------------------------------------

    /** A dump (mode 0) through the core {@link QueryClient}: the raw JSON lines, in ring order. */
    List<String> dumpLines() throws IOException {
        List<String> lines = new ArrayList<>();
        try (QueryClient client = QueryClient.open(querySocket, LinuxKit.MODE_DUMP)) {
            for (String line = client.readLine(); line != null; line = client.readLine()) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** A dump (mode 0), parsed. */
    List<LogEntry> dump() throws IOException {
        return dumpLines().stream().map(EntryJsonParser::parse).collect(Collectors.toList());
    }

    /** Dumps until the dump satisfies {@code accepted} (the daemon ingests asynchronously), and returns it. */
    List<LogEntry> awaitDump(Predicate<List<LogEntry>> accepted, String description) {
        return Await.awaitValue(this::dump, accepted, description);
    }

    /** Dumps until an entry of {@code source} with message {@code msg} is held, and returns that dump. */
    List<LogEntry> awaitEntry(String source, String msg) {
        return awaitDump(dump -> contains(dump, source, msg), "entry " + source + ";" + msg + " in a dump");
    }

    /**
     * Dumps until one of the daemon's own entries (source {@code memlogd}) contains every
     * fragment, and returns that entry.
     */
    LogEntry awaitOwnMessage(String... fragments) {
        // Probes the daemon's own entries only, so that a failure lists just those.
        List<LogEntry> own = Await.awaitValue(() -> ownMessages(dump()), d -> ownMessage(d, fragments) != null,
                "a memlogd entry containing " + List.of(fragments));
        return ownMessage(own, fragments);
    }

    /**
     * Dumps until one of the daemon's own entries contains every fragment, and returns that
     * whole dump (to look at what was logged before it).
     */
    List<LogEntry> awaitOwnMessageDump(String... fragments) {
        return awaitDump(d -> ownMessage(d, fragments) != null, "a memlogd entry containing " + List.of(fragments));
    }

    /** The daemon's own entries (source {@code memlogd}) of a dump. */
    static List<LogEntry> ownMessages(List<LogEntry> dump) {
        return dump.stream().filter(e -> e.source().equals(LinuxKit.SOURCE_MEMLOGD)).collect(Collectors.toList());
    }

    /**
     * A dump that must complete within {@code deadline}: the client is closed from another
     * thread at the deadline (which ends a blocked read), and the test fails saying so.
     */
    List<LogEntry> dumpWithin(Duration deadline) throws Exception {
        QueryClient client = QueryClient.open(querySocket, LinuxKit.MODE_DUMP);
        CompletableFuture<List<LogEntry>> dump = CompletableFuture.supplyAsync(() -> {
            List<LogEntry> entries = new ArrayList<>();
            try {
                for (String line = client.readLine(); line != null; line = client.readLine()) {
                    entries.add(EntryJsonParser.parse(line));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return entries;
        });
        try {
            return dump.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the dump was not answered within " + deadline.toMillis() + " ms", e);
        } finally {
            client.close();
        }
    }

    static boolean contains(List<LogEntry> dump, String source, String msg) {
        return dump.stream().anyMatch(e -> e.source().equals(source) && e.msg().equals(msg));
    }

    /** The first {@code memlogd} entry of {@code dump} that contains every fragment, or null. */
    static LogEntry ownMessage(List<LogEntry> dump, String... fragments) {
        return dump.stream().filter(e -> e.source().equals(LinuxKit.SOURCE_MEMLOGD)
                && Stream.of(fragments).allMatch(e.msg()::contains)).findFirst().orElse(null);
    }

    /** What the daemon has written on its stdout so far (UTF-8). */
    String stdoutText() throws IOException {
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    /** The daemon's command line, stdout and stderr so far. */
    String output() {
        return "--- daemon " + command + " (pid " + process.pid() + ", "
                + (process.isAlive() ? "running" : "exited " + process.exitValue()) + ")\n"
                + "--- stdout:\n" + readQuietly(stdout)
                + "--- stderr:\n" + readQuietly(stderr);
    }

    private static String readQuietly(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8);
            return s.length() <= 20_000 ? s : "..." + s.substring(s.length() - 20_000);
        } catch (IOException e) {
            return "(unreadable: " + e + ")\n";
        }
    }

    /** SIGTERM, wait (SIGKILL after 10 s), delete the temp directory. */
    @Override
    public void close() {
        LIVE.remove(this);
        try {
            Processes.stop(process, Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        TempDirs.deleteRecursively(dir);
    }

    static String shellQuote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    @Override
    public String toString() {
        return "memlogd pid " + process.pid() + " in " + dir;
    }
}

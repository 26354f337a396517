package dev.memlogd.loadbench;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.memlogd.testkit.Await;
import dev.memlogd.testkit.ProcFs;
import dev.memlogd.testkit.Processes;
import dev.memlogd.testkit.SocketProbes;

/**
 * The daemon under test as a child process: memlogd from its launcher, or the null daemon.
 * Measures its startup (exec until both sockets accept) and samples {@code /proc/PID} every
 * 100 ms: CPU time (utime + stime), peak RSS (VmHWM), and the largest RssAnon and thread count seen.
 */
final class BenchDaemon implements AutoCloseable {
    private static final long TICK_NANOS = 10_000_000L; // USER_HZ is 100 on Linux (getconf CLK_TCK)
    private static final Duration START_DEADLINE = Duration.ofSeconds(30);
    /** Between two probes of the sockets while the daemon starts: the resolution of the startup time. */
    private static final Duration START_PROBE_PAUSE = Duration.ofNanos(100_000);

    final Path logSocket;
    final Path querySocket; // memlogd's query socket, or the null daemon's stats socket
    private final Process process;
    private final Thread sampler;
    private final long startupNanos;
    private volatile int maxThreads;
    private volatile long maxRssAnonKib;
    private volatile boolean stop;

    private BenchDaemon(Path logSocket, Path querySocket, Process process, long startupNanos) {
        this.logSocket = logSocket;
        this.querySocket = querySocket;
        this.process = process;
        this.startupNanos = startupNanos;
        this.sampler = new Thread(this::sample, "proc-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Starts {@code command} (which must bind {@code logSocket} and {@code querySocket}) and waits until both accept. */
    static BenchDaemon start(List<String> command, Path logSocket, Path querySocket, Path stderr)
            throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Process process = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr.toFile())
                .start();
        // Each socket is probed until it has accepted once.
        AtomicBoolean logReady = new AtomicBoolean();
        AtomicBoolean queryReady = new AtomicBoolean();
        try {
            Await.awaitValue(() -> {
                if (!process.isAlive()) {
                    return true;
                }
                if (!logReady.get()) {
                    logReady.set(SocketProbes.datagramConnects(logSocket));
                }
                if (!queryReady.get()) {
                    queryReady.set(SocketProbes.streamConnects(querySocket));
                }
                return logReady.get() && queryReady.get();
            }, done -> done, START_DEADLINE, START_PROBE_PAUSE, "both sockets of " + command + " accept");
        } catch (AssertionError e) {
            process.destroyForcibly();
            throw new IOException("the daemon did not start: " + e.getMessage(), e);
        }
        if (!(logReady.get() && queryReady.get())) {
            throw new IOException("the daemon exited (" + process.exitValue() + "): " + Files.readString(stderr));
        }
        return new BenchDaemon(logSocket, querySocket, process, System.nanoTime() - t0);
    }

    /** memlogd from its launcher, in the foreground, on temp sockets, with {@code flags}. */
    static List<String> memlogdCommand(Path launcher, Path logSocket, Path querySocket, List<String> flags) {
        List<String> command = new ArrayList<>(List.of(launcher.toString(),
                "-socket-log", logSocket.toString(), "-socket-query", querySocket.toString()));
        command.addAll(flags);
        return command;
    }

    /** Compiles the null daemon's C source (a resource of this jar) with {@code cc -O2} into {@code dir}. */
    static Path compileNullDaemon(Path dir) throws IOException, InterruptedException {
        Path source = dir.resolve("nulld.c");
        try (var in = BenchDaemon.class.getResourceAsStream("/nulld.c")) {
            if (in == null) {
                throw new IOException("nulld.c is not in the jar");
            }
            Files.copy(in, source);
        }
        Path binary = dir.resolve("nulld");
        Process cc = new ProcessBuilder("cc", "-O2", "-o", binary.toString(), source.toString()).inheritIO().start();
        if (cc.waitFor() != 0) {
            throw new IOException("cc -O2 nulld.c failed");
        }
        return binary;
    }

    /** The null daemon's counters: newlines, bytes, fds open, fds received. */
    long[] nullStats() throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(querySocket));
            ByteBuffer buffer = ByteBuffer.allocate(256);
            while (channel.read(buffer) >= 0 && buffer.hasRemaining()) {
                // until the daemon closes
            }
            String[] words = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim().split(" ");
            long[] stats = new long[words.length];
            for (int i = 0; i < words.length; i++) {
                stats[i] = Long.parseLong(words[i]);
            }
            return stats;
        }
    }

    long pid() {
        return process.pid();
    }

    long startupNanos() {
        return startupNanos;
    }

    /** utime + stime so far, in nanoseconds (10 ms resolution). */
    long cpuNanos() throws IOException {
        return processCpuNanos(pid());
    }

    /** utime + stime of process {@code pid}, in nanoseconds. */
    static long processCpuNanos(long pid) throws IOException {
        return ProcFs.cpuTicks(pid) * TICK_NANOS;
    }

    /**
     * utime + stime of the daemon's JIT compiler threads (HotSpot names them "C1 CompilerThre…"
     * and "C2 CompilerThre…"), so that a short run can tell compiling from serving; 0 for the
     * null daemon. Threads that have ended are not counted.
     */
    long jitCpuNanos() throws IOException {
        long total = 0;
        try (java.util.stream.Stream<Path> tasks = Files.list(ProcFs.file(pid(), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    if (Files.readString(task.resolve("comm")).contains("Compiler")) {
                        total += ProcFs.cpuTicks(task.resolve("stat")) * TICK_NANOS;
                    }
                } catch (IOException e) {
                    // The thread ended meanwhile.
                }
            }
        }
        return total;
    }

    /** CPU time every CPU of the machine spent busy (not idle or iowait), in nanoseconds. */
    static long machineBusyNanos() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i < f.length && i <= 8; i++) {
            if (i != 4 && i != 5) { // idle, iowait
                busy += Long.parseLong(f[i]);
            }
        }
        return busy * TICK_NANOS;
    }

    /** VmHWM in bytes. */
    long peakRss() throws IOException {
        return statusValue("VmHWM:") * 1024;
    }

    /** Largest RssAnon (private memory) sampled, in bytes, and the current one. */
    long maxRssAnon() throws IOException {
        return Math.max(maxRssAnonKib, statusValue("RssAnon:")) * 1024;
    }

    int maxThreads() {
        return maxThreads;
    }

    private long statusValue(String key) throws IOException {
        return ProcFs.statusValue(pid(), key);
    }

    private void sample() {
        while (!stop && process.isAlive()) {
            try {
                maxThreads = Math.max(maxThreads, (int) statusValue("Threads:"));
                maxRssAnonKib = Math.max(maxRssAnonKib, statusValue("RssAnon:"));
                Thread.sleep(100);
            } catch (IOException | InterruptedException | RuntimeException e) {
                return; // the process went away
            }
        }
    }

    /** Stops the daemon (SIGTERM, then SIGKILL after 5 s). */
    @Override
    public void close() throws InterruptedException {
        stop = true;
        Processes.stop(process, Duration.ofSeconds(5));
    }
}

package dev.memlogd.loadbench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.memlogd.testkit.TempDirs;

/**
 * One whole-process run: start the daemon on temp sockets, (memlogd) connect the follower,
 * make the sources, write, wait until every line arrived or everything went idle, collect.
 */
final class BenchRun {
    /** What a run does; {@code daemonCommand} is given the two socket paths. */
    record Config(String daemon, BenchSources.Kind kind, int sources, int lines, int lineBytes, int writers,
                  double rate, List<String> memlogdFlags, Path launcher, Path nullDaemon, String follower) {
    }

    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(120);

    private BenchRun() {
    }

    /** CPU time the machine spent on processes other than the daemon and this bench. */
    private static long othersNanos(long daemonCpu) throws IOException {
        return BenchDaemon.machineBusyNanos() - daemonCpu - BenchDaemon.processCpuNanos(ProcessHandle.current().pid());
    }

    static RunResult run(Config c) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("loadbench");
        try {
            return run(c, dir);
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }

    private static RunResult run(Config c, Path dir) throws IOException, InterruptedException {
        boolean memlogd = c.daemon().equals("memlogd");
        Path log = dir.resolve("log.sock");
        Path query = dir.resolve(memlogd ? "query.sock" : "stats.sock");
        List<String> command = memlogd
                ? BenchDaemon.memlogdCommand(c.launcher(), log, query, c.memlogdFlags())
                : List.of(c.nullDaemon().toString(), log.toString(), query.toString());
        try (BenchDaemon d = BenchDaemon.start(command, log, query, dir.resolve("daemon.err"))) {
            Verifier verifier = new Verifier(c.sources(), c.lines(), c.lineBytes());
            BenchFollower follower = memlogd && c.follower().equals("mode2") ? BenchFollower.start(query, verifier) : null;
            LogwriteReader logwrite = memlogd && c.follower().equals("logwrite")
                    ? LogwriteReader.start(c.launcher(), query, dir) : null;
            // Without a follower, memlogd's progress is its newest seq, less the entries it held before.
            long seqBefore = memlogd && follower == null ? BenchFollower.newestSeq(query) : 0;
            long readerCpuBefore = logwrite != null ? logwrite.cpuNanos() : 0;
            long cpuSetup = d.cpuNanos();
            long othersBefore = othersNanos(cpuSetup);
            long t0 = System.nanoTime();
            List<BenchSources.Sink> sinks = BenchSources.open(c.kind(), c.sources(), log, dir);
            long tStart = System.nanoTime();
            // CPU per line counts from here: receiving the fds is setup, reported apart.
            long cpuBefore = d.cpuNanos();
            long jitBefore = d.jitCpuNanos();
            Writers.run(sinks, c.writers(), c.lines(), c.lineBytes(), c.rate());
            long tWritten = System.nanoTime();
            long expected = verifier.expected();

            // Wait until every line arrived, or the daemon (CPU time) and the reader stopped moving.
            String end = "timeout";
            long lastCount = -1;
            long lastCpu = -1;
            long stillSince = System.nanoTime();
            long tDone = 0;
            long cpuAfter = 0;
            long count = 0;
            while (System.nanoTime() - tWritten < DEADLINE_NANOS) {
                count = follower != null ? follower.benchEntries()
                        : logwrite != null ? logwrite.lines(c.sources(), c.lineBytes())
                        : memlogd ? BenchFollower.newestSeq(query) - seqBefore : d.nullStats()[0];
                long now = System.nanoTime();
                cpuAfter = d.cpuNanos();
                if (count >= expected) {
                    end = "complete";
                    tDone = follower != null ? follower.lastBenchNanos() : now;
                    break;
                }
                if (count != lastCount || cpuAfter != lastCpu) {
                    lastCount = count;
                    lastCpu = cpuAfter;
                    stillSince = now;
                    tDone = follower != null ? follower.lastBenchNanos() : now;
                } else if (now - stillSince >= IDLE_NANOS) {
                    end = "idle";
                    break;
                }
                // Polling memlogd is a query (accept, request, dump of one entry): while paced,
                // poll rarely, so that the polls do not show in the CPU per line.
                Thread.sleep(follower != null ? 20 : memlogd && c.rate() > 0 ? 100 : 2);
            }
            double othersCpu = Math.max(0, (othersNanos(cpuAfter) - othersBefore) / (double) (System.nanoTime() - t0));
            long jitCpu = d.jitCpuNanos() - jitBefore;
            long readerCpu = logwrite != null ? logwrite.cpuNanos() - readerCpuBefore : -1;
            if (logwrite != null) {
                if (count < expected) {
                    System.err.println("# logwrite said: " + logwrite.messages());
                }
                logwrite.close();
            }
            long peakRss = d.peakRss();
            long rssAnon = d.maxRssAnon();
            int threads = d.maxThreads();
            long received;
            long[] lat = {-1, -1, -1};
            long noticeLost = -1;
            long seqGaps = -1;
            long own = -1;
            long dups = 0;
            long order = 0;
            long corrupt = 0;
            if (follower != null) {
                follower.stop();
                received = verifier.received();
                lat = verifier.latencyPercentiles(50, 99, 100);
                noticeLost = follower.noticeLost();
                seqGaps = follower.seqGaps();
                own = follower.ownEntries();
                dups = verifier.duplicates();
                order = verifier.outOfOrder();
                corrupt = verifier.corrupt() + follower.unparsable();
            } else {
                received = count;
            }
            return new RunResult(c.daemon(), d.startupNanos(), tStart - t0, cpuBefore - cpuSetup, tWritten - tStart,
                    Math.max(tDone, tWritten) - tStart, expected, received, lat[0], lat[1], lat[2],
                    cpuAfter - cpuBefore, jitCpu, peakRss, rssAnon, threads, Math.max(0, expected - received),
                    noticeLost, seqGaps, own, dups, order, corrupt, end, othersCpu, readerCpu);
        }
    }
}

package dev.memlogd.loadbench;

/**
 * One run's figures. Times in nanoseconds, sizes in bytes; -1 where not applicable (the null
 * daemon has no follower, so no latency and no notices).
 *
 * @param setupCpuNanos the daemon's CPU time while the sources were handed over (not in CPU per line)
 * @param e2eNanos from the first write until the last line arrived (the null daemon: was counted)
 * @param end how the run ended: {@code complete} (every line arrived), {@code idle} (the daemon
 *            and the reader stopped moving with lines missing: those are lost) or {@code timeout}
 *            (still moving at the deadline: missing lines may have been in flight)
 * @param othersCpu CPUs' worth of time other processes of the machine used during the run
 *                  (other benchmarks running at the same time), e.g. 0.8 = 80 % of one CPU
 * @param readerCpuNanos the reader's CPU time from the first write to the end, when the reader
 *                       is a process of its own ({@code --follower logwrite}); -1 otherwise
 */
record RunResult(String daemon, long startupNanos, long setupNanos, long setupCpuNanos, long writeNanos, long e2eNanos,
                 long written, long received, long p50, long p99, long max, long cpuNanos, long jitCpuNanos, long peakRss, long rssAnon,
                 int maxThreads, long lost, long noticeLost, long seqGaps, long ownEntries,
                 long duplicates, long outOfOrder, long corrupt, String end, double othersCpu, long readerCpuNanos) {

    double linesPerSecond() {
        return e2eNanos <= 0 ? 0 : written * 1e9 / e2eNanos;
    }

    /** Lines the follower received per second (the null daemon: lines counted). */
    double deliveredPerSecond() {
        return e2eNanos <= 0 ? 0 : received * 1e9 / e2eNanos;
    }

    double cpuNanosPerLine() {
        return (double) cpuNanos / written;
    }

    /** CPU per line without the JIT compiler threads' share: the cost of serving, once compiled. */
    double cpuNanosPerLineWithoutJit() {
        return (double) (cpuNanos - jitCpuNanos) / written;
    }

    /** Lines lost that no notice reported, or seq gaps no notice explains. */
    boolean silentLoss() {
        return noticeLost >= 0 && (lost > noticeLost || seqGaps != noticeLost);
    }

    boolean integrityViolated() {
        return duplicates > 0 || outOfOrder > 0 || corrupt > 0;
    }
}

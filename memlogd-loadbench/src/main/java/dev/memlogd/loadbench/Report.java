package dev.memlogd.loadbench;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** Prints the runs as a table, then per daemon the median (min-max) of each figure, then ratios to the null daemon. */
final class Report {
    private final PrintStream out;

    Report(PrintStream out) {
        this.out = out;
    }

    void header() {
        out.println("| daemon | start ms | setup ms | setup CPU ms | write s | e2e s | lines/s | delivered/s | p50 ms | p99 ms | max ms"
                + " | CPU us/line | VmHWM MB | RssAnon MB | threads | lost | notice lost | seq gaps | own | dup | order | corrupt | end | others CPU |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    }

    void row(RunResult r) {
        out.println(String.format(Locale.ROOT,
                "| %s | %.1f | %.0f | %.0f | %.3f | %.3f | %,.0f | %,.0f | %s | %s | %s | %.2f | %.1f | %.1f | %d | %d | %s | %s | %s | %d | %d | %d | %s | %.2f |",
                r.daemon(), r.startupNanos() / 1e6, r.setupNanos() / 1e6, r.setupCpuNanos() / 1e6,
                r.writeNanos() / 1e9, r.e2eNanos() / 1e9, r.linesPerSecond(), r.deliveredPerSecond(), ms(r.p50()), ms(r.p99()), ms(r.max()),
                r.cpuNanosPerLine() / 1e3, r.peakRss() / 1048576.0, r.rssAnon() / 1048576.0, r.maxThreads(), r.lost(),
                opt(r.noticeLost()), opt(r.seqGaps()), opt(r.ownEntries()), r.duplicates(), r.outOfOrder(),
                r.corrupt(), r.end(), r.othersCpu()));
        out.flush();
    }

    /** Median (min-max) per daemon, and the memlogd/null ratio of the medians when both ran. */
    void summary(List<RunResult> results) {
        List<RunResult> m = results.stream().filter(r -> r.daemon().equals("memlogd")).toList();
        List<RunResult> n = results.stream().filter(r -> r.daemon().equals("null")).toList();
        out.println();
        out.println("| median (min-max) | memlogd | null | memlogd / null |");
        out.println("|---|---|---|---|");
        line("startup ms", m, n, r -> r.startupNanos() / 1e6, "%.1f");
        line("lines/s end to end", m, n, RunResult::linesPerSecond, "%,.0f");
        line("delivered/s (follower)", m, n, RunResult::deliveredPerSecond, "%,.0f");
        line("write s (producers)", m, n, r -> r.writeNanos() / 1e9, "%.3f");
        line("latency p50 ms", m, n, r -> r.p50() / 1e6, "%.2f");
        line("latency p99 ms", m, n, r -> r.p99() / 1e6, "%.2f");
        line("latency max ms", m, n, r -> r.max() / 1e6, "%.2f");
        line("daemon CPU us/line", m, n, r -> r.cpuNanosPerLine() / 1e3, "%.3f");
        line("  of which not JIT compiling", m, n, r -> r.cpuNanosPerLineWithoutJit() / 1e3, "%.3f");
        line("reader (logwrite) CPU us/line", m, n, r -> r.readerCpuNanos() < 0 ? -1 : r.readerCpuNanos() / 1e3 / r.written(),
                "%.3f");
        line("setup CPU ms", m, n, r -> r.setupCpuNanos() / 1e6, "%.0f");
        line("VmHWM MB", m, n, r -> r.peakRss() / 1048576.0, "%.1f");
        line("RssAnon MB (max sampled)", m, n, r -> r.rssAnon() / 1048576.0, "%.1f");
        line("max threads", m, n, RunResult::maxThreads, "%.0f");
        line("lost %", m, n, r -> 100.0 * r.lost() / r.written(), "%.2f");
        line("others CPU (other processes)", m, n, RunResult::othersCpu, "%.2f");
        out.flush();
    }

    private void line(String name, List<RunResult> m, List<RunResult> n, ToDoubleFunction<RunResult> f, String fmt) {
        double[] a = values(m, f);
        double[] b = values(n, f);
        String ratio = a.length > 0 && b.length > 0 && median(b) > 0
                ? String.format(Locale.ROOT, "%.2f", median(a) / median(b)) : "-";
        out.println("| " + name + " | " + cell(a, fmt) + " | " + cell(b, fmt) + " | " + ratio + " |");
    }

    private static double[] values(List<RunResult> rs, ToDoubleFunction<RunResult> f) {
        // Negative values mean "not applicable" (the null daemon has no latency).
        return rs.stream().mapToDouble(f).filter(v -> v >= 0).sorted().toArray();
    }

    private static String cell(double[] v, String fmt) {
        if (v.length == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, fmt + " (" + fmt + "-" + fmt + ")", median(v), v[0], v[v.length - 1]);
    }

    static double median(double[] sorted) {
        double[] v = sorted.clone();
        Arrays.sort(v);
        int k = v.length / 2;
        return v.length % 2 == 1 ? v[k] : (v[k - 1] + v[k]) / 2;
    }

    private static String ms(long nanos) {
        return nanos < 0 ? "-" : String.format(Locale.ROOT, "%.2f", nanos / 1e6);
    }

    private static String opt(long v) {
        return v < 0 ? "-" : Long.toString(v);
    }
}

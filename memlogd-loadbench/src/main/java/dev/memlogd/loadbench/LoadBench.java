package dev.memlogd.loadbench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.memlogd.core.cli.VersionProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The whole-process load bench (docs/PERFORMANCE.md): real daemon process, real sockets,
 * sources handed over as LinuxKit's init does, a mode-2 follower that verifies every line,
 * and the same load against a null daemon (nulld.c) as the baseline. One table row per run,
 * then medians. Exit code 1 when a line was duplicated, reordered or corrupted, 3 when lines
 * were lost without a notice saying so.
 */
@Command(name = "loadbench", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        description = "Runs memlogd (or the null daemon) under load from real processes and sockets.")
public final class LoadBench implements Callable<Integer> {
    @Option(names = "--daemon", paramLabel = "memlogd|null|both",
            description = "The daemon under test; both = memlogd and null alternately (default: ${DEFAULT-VALUE}).")
    String daemon = "both";

    @Option(names = "--sources", paramLabel = "N", description = "Sources (default: ${DEFAULT-VALUE}).")
    int sources = 10;

    @Option(names = "--lines", paramLabel = "M", description = "Lines per source (default: ${DEFAULT-VALUE}).")
    int lines = 100_000;

    @Option(names = "--line-bytes", paramLabel = "L",
            description = "Bytes per line, newline included, at least " + LineFormat.MIN_LINE_BYTES
                    + " (default: ${DEFAULT-VALUE}).")
    int lineBytes = 100;

    @Option(names = "--kind", paramLabel = "socketpair|fifo",
            description = "How sources are made (default: ${DEFAULT-VALUE}).")
    BenchSources.Kind kind = BenchSources.Kind.socketpair;

    @Option(names = "--writers", paramLabel = "W", description = "Writer threads (default: ${DEFAULT-VALUE}).")
    int writers = 2;

    @Option(names = "--rate", paramLabel = "LINES_PER_S",
            description = "Total lines/s over all sources, one line per write; 0 = unthrottled,"
                    + " 4 KiB of lines per write (default: ${DEFAULT-VALUE}).")
    double rate = 0;

    @Option(names = "--runs", paramLabel = "R", description = "Runs per daemon (default: ${DEFAULT-VALUE}).")
    int runs = 3;

    @Option(names = "--memlogd-flags", paramLabel = "\"FLAGS\"",
            description = "Extra memlogd flags, space-separated (default: \"${DEFAULT-VALUE}\": no console"
                    + " echo, as under LinuxKit's -daemonize).")
    String memlogdFlags = "-no-console";

    @Option(names = "--follower", paramLabel = "mode2|none|logwrite",
            description = "memlogd: a verifying dump+follow reader (mode2), none, to measure ingest alone"
                    + " (progress is then memlogd's newest seq, polled), or bin/logwrite writing the sources"
                    + " to files in the run's temp dir (progress: the files' bytes) (default: ${DEFAULT-VALUE}).")
    String follower = "mode2";

    @Option(names = "--launcher", paramLabel = "PATH",
            description = "memlogd's launcher (default: bin/memlogd next to bin/loadbench).")
    Path launcher;

    @Override
    public Integer call() throws Exception {
        if (lineBytes < LineFormat.MIN_LINE_BYTES || sources < 1 || lines < 1 || writers < 1 || runs < 1 || rate < 0) {
            throw new CommandLine.ParameterException(new CommandLine(this), "bad sizes: see --help");
        }
        if (!List.of("mode2", "none", "logwrite").contains(follower)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--follower: mode2, none or logwrite");
        }
        List<String> daemons = daemon.equals("both") ? List.of("memlogd", "null") : List.of(daemon);
        if (!List.of("memlogd", "null").containsAll(daemons)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--daemon: memlogd, null or both");
        }
        Path memlogd = launcher != null ? launcher
                : Path.of(System.getProperty("loadbench.home", "."), "bin", "memlogd");
        Path work = Files.createTempDirectory("loadbench-nulld");
        Path nulld = daemons.contains("null") ? BenchDaemon.compileNullDaemon(work) : null;
        List<String> flags = memlogdFlags.isBlank() ? List.of() : Arrays.asList(memlogdFlags.trim().split("\\s+"));

        System.out.printf(Locale.ROOT, "# %d sources (%s) x %,d lines x %d B, %d writers, %s; memlogd flags: %s; follower: %s; %d CPUs%n",
                sources, kind, lines, lineBytes, writers, rate > 0 ? String.format(Locale.ROOT, "paced %,.0f lines/s", rate)
                        : "unthrottled", memlogdFlags, follower, Runtime.getRuntime().availableProcessors());
        Report report = new Report(System.out);
        report.header();
        List<RunResult> results = new ArrayList<>();
        int exit = 0;
        for (int r = 0; r < runs; r++) {
            for (String d : daemons) {
                RunResult result = BenchRun.run(new BenchRun.Config(d, kind, sources, lines, lineBytes, writers,
                        rate, flags, memlogd, nulld, follower));
                report.row(result);
                results.add(result);
                if (result.integrityViolated()) {
                    exit = 1;
                } else if (result.silentLoss() && exit == 0) {
                    exit = 3;
                }
            }
        }
        report.summary(results);
        if (nulld != null) {
            Files.deleteIfExists(nulld);
            Files.deleteIfExists(work.resolve("nulld.c"));
        }
        Files.deleteIfExists(work);
        return exit;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadBench()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }
}

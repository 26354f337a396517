package dev.memlogd.logwrite;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.memlogd.core.cli.Cli;
import dev.memlogd.core.cli.CliExceptionHandler;
import dev.memlogd.core.cli.GoBoolean;
import dev.memlogd.core.cli.GoFlagSyntax;
import dev.memlogd.core.cli.QuerySocketOption;
import dev.memlogd.core.cli.StopSignals;
import dev.memlogd.core.cli.VersionProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code logwrite}: LinuxKit's log rotator. Follows memlogd and appends every entry to
 * {@code <log-dir>/<source>.log}, rotated; LinuxKit's flags and files, plus an exact resume
 * across restarts (docs/logwrite.md).
 */
@Command(name = "logwrite", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        modelTransformer = GoFlagSyntax.class, sortOptions = false,
        description = "Persists what memlogd holds and receives to one file per source in the log directory,"
                + " rotated, as LinuxKit's logwrite does; resumes exactly after a restart (docs/logwrite.md).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:stopped by SIGTERM or SIGINT",
            "1:could not start (log directory missing or unreadable, damaged checkpoint)",
            "2:bad command line"})
public final class LogwriteCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    QuerySocketOption socket;

    @Option(names = {"-log-dir", "--log-dir"}, paramLabel = "DIR",
            description = "Directory of the log files (default: ${DEFAULT-VALUE}).")
    Path logDir = Path.of("/var/log");

    @Option(names = {"-max-log-files", "--max-log-files"}, paramLabel = "N",
            description = "Rotated files kept per source, .log.0 to .log.<N-1>; 0 empties the file instead"
                    + " (default: ${DEFAULT-VALUE}).")
    int maxLogFiles = 10;

    @Option(names = {"-max-log-size", "--max-log-size"}, paramLabel = "BYTES",
            description = "A file is rotated after the write that takes it past this (default: ${DEFAULT-VALUE}).")
    long maxLogSize = 1 << 20;

    @Option(names = {"-sync", "--sync"}, paramLabel = "MS",
            description = "At most this long between making the files durable (fsync) and recording the"
                    + " checkpoint; a power cut can cost the lines of this window, never duplicate one"
                    + " (default: ${DEFAULT-VALUE}).")
    long syncMillis = 1000;

    @Option(names = {"-compress", "--compress"}, arity = "0..1", paramLabel = "BOOL", fallbackValue = "true", converter = GoBoolean.class,
            description = "Gzip rotated files (.log.N.gz).")
    boolean compress;

    @Option(names = {"-retry-max", "--retry-max"}, paramLabel = "MS",
            description = "Longest wait between two attempts to reach memlogd (default: ${DEFAULT-VALUE}).")
    long retryMaxMillis = 5000;

    @Option(names = {"-probe-timeout", "--probe-timeout"}, paramLabel = "MS",
            description = "How long memlogd may take to answer the extended query before logwrite takes it"
                    + " for LinuxKit's and uses plain dump+follow (default: ${DEFAULT-VALUE}).")
    long probeMillis = 2000;

    @Override
    public Integer call() throws IOException {
        String problem = maxLogFiles < 0 || maxLogFiles > 999 ? "-max-log-files must be 0 to 999: " + maxLogFiles
                : maxLogSize < 1 ? "-max-log-size must be at least 1: " + maxLogSize
                : syncMillis < 0 ? "-sync must be at least 0: " + syncMillis
                : retryMaxMillis < 100 ? "-retry-max must be at least 100: " + retryMaxMillis
                : probeMillis < 1 ? "-probe-timeout must be at least 1: " + probeMillis
                : null;
        if (problem != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), problem);
        }
        LogwriteOptions options = new LogwriteOptions(socket.path(), logDir, maxLogFiles, maxLogSize, syncMillis,
                compress, retryMaxMillis, probeMillis);
        Log log = new Log(new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true,
                StandardCharsets.UTF_8));
        LogDir dir;
        try {
            dir = LogDir.open(logDir, options, log);
        } catch (IOException e) {
            spec.commandLine().getErr().println("logwrite: cannot start: " + e.getMessage());
            return 1;
        }
        Persister persister = new Persister(options, dir, log);
        StopSignals.onStop(persister::requestStop);
        persister.run();
        return 0;
    }

    /** Parses, runs, exits. */
    public static void main(String[] args) {
        System.exit(Cli.commandLine(new LogwriteCommand()).execute(args));
    }
}

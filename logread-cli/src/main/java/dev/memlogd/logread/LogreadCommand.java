package dev.memlogd.logread;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.memlogd.core.cli.Cli;
import dev.memlogd.core.cli.CliExceptionHandler;
import dev.memlogd.core.cli.ExitCodes;
import dev.memlogd.core.cli.GoBoolean;
import dev.memlogd.core.cli.GoFlagSyntax;
import dev.memlogd.core.cli.QuerySocketOption;
import dev.memlogd.core.cli.VersionProvider;
import dev.memlogd.core.client.ExtendedQuery;
import dev.memlogd.core.client.QueryClient;
import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.core.wire.EntryJsonParser;
import dev.memlogd.core.wire.LogreadFormat;
import dev.memlogd.core.wire.QueryRequest;
import dev.memlogd.core.wire.SyslogPriority;
import dev.memlogd.logread.bundle.BundleWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code logread}: prints a memlogd's entries, as LinuxKit's {@code logread} does.
 *
 * <p>With LinuxKit's flags only ({@code -socket}, {@code -f}, {@code -F}) it sends LinuxKit's
 * mode byte, so it works against LinuxKit's memlogd too. Any of our filters ({@code -n},
 * {@code --source}, {@code --after}, {@code --level}) sends mode 3 with a JSON request, which only our daemon
 * understands. {@code -o json} only changes the output and works against either.
 *
 * <p>With a filter, {@code -f} still means "new entries only", except together with {@code -n}
 * ({@code tail -n N -f}) or {@code --after} (a lossless resume), which ask for entries already
 * held: those dump first, as {@code -F} does.
 *
 * <p>Text output is LinuxKit's line ({@link LogreadFormat}) and {@code '\n'}; {@code main} writes
 * it as UTF-8 whatever the platform charset. A line that is not an entry gets one message on
 * stderr and is skipped (LinuxKit's logread panics). While following, each entry is flushed.
 * One instance runs once, on one thread.
 */
@Command(name = "logread", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        modelTransformer = GoFlagSyntax.class, sortOptions = false,
        description = "Prints the entries memlogd holds, one per line: <time>;<source>;<message>"
                + " (a \";\" in the source is written \"\\;\"). Without -f or -F it prints the ring and exits.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the dump was printed",
            "2:bad command line",
            "69:no memlogd answers on the socket",
            "74:the connection broke, memlogd ended a follow, or the output could not be written"})
public final class LogreadCommand implements Callable<Integer> {
    /** {@code -o}: how entries are printed. */
    enum Output { text, json }

    @Spec
    CommandSpec spec;

    @Mixin
    QuerySocketOption socket;

    @Option(names = {"-f", "--f"}, arity = "0..1", fallbackValue = "true", converter = GoBoolean.class,
            paramLabel = "BOOL",
            description = "Follow: print entries as they arrive, not the ones held (LinuxKit's mode 1).")
    boolean follow;

    @Option(names = {"-F", "--F"}, arity = "0..1", fallbackValue = "true", converter = GoBoolean.class,
            paramLabel = "BOOL",
            description = "Print the entries held, then follow, with no gap and no duplicate (mode 2).")
    boolean dumpFollow;

    @Option(names = {"-n", "-lines", "--lines"}, paramLabel = "N",
            description = "Only the last N entries held; with -f, then follow (ours: needs our memlogd).")
    Integer lines;

    @Option(names = {"-source", "--source"}, paramLabel = "NAME",
            description = "Only entries of this source, exactly; repeat for several (ours).")
    List<String> sources = new ArrayList<>();

    @Option(names = {"-service", "--service"}, paramLabel = "NAME",
            description = "Only entries of this service's two streams, as LinuxKit's init names them: NAME"
                    + " (stderr) and NAME.out (stdout); repeat for several (ours).")
    List<String> services = new ArrayList<>();

    @Option(names = {"-after", "--after"}, paramLabel = "SEQ",
            description = "Only entries after sequence number SEQ: resume where a reader stopped (ours).")
    Long after;

    @Option(names = {"-daemon", "--daemon"}, paramLabel = "ID",
            description = "With --after: the identity of the daemon that gave out SEQ. If memlogd has"
                    + " restarted since, it says so and sends every entry it holds (ours).")
    String daemon;

    @Option(names = {"-identity", "--identity"}, arity = "0..1", paramLabel = "BOOL", fallbackValue = "true", converter = GoBoolean.class,
            description = "Print the daemon's identity first (a memlogd notice), to name it in a later"
                    + " --daemon (ours).")
    boolean identity;

    @Option(names = {"-level", "--level"}, paramLabel = "LEVEL", converter = LevelConverter.class,
            description = "Only entries of this syslog level or more severe: 0-7 or emerg, alert, crit, err (error),"
                    + " warning (warn), notice, info, debug, as journalctl -p. Only entries with a priority"
                    + " (memlogd -syslog-prefix) have a level; the others are left out (ours).")
    Integer level;

    @Option(names = {"-stats", "--stats"}, arity = "0..1", fallbackValue = "true", converter = GoBoolean.class,
            paramLabel = "BOOL",
            description = "Print the daemon's statistics instead of entries: per source lines, bytes, cut, held and"
                    + " evicted, the readers, the ring and the options; -o json prints the daemon's answer as it"
                    + " came (ours: needs our memlogd).")
    boolean stats;

    @Option(names = {"-bundle", "--bundle"}, paramLabel = "FILE",
            description = "Write a diagnostics bundle instead of printing: a .tar.gz with index.html (open it"
                    + " first), summary.json and one file per source; - for stdout (ours; see docs/diagnostics.md).")
    String bundle;

    @Option(names = {"-log-dir", "--log-dir"}, paramLabel = "DIR",
            description = "With --bundle: logwrite's directory, whose files go in the bundle before the ring's"
                    + " entries, none twice (ours).")
    Path logDir;

    @Option(names = {"-probe-timeout", "--probe-timeout"}, paramLabel = "MS",
            description = "With --bundle or --stats: how long memlogd may take to answer the extended query before"
                    + " it is taken for LinuxKit's (default: ${DEFAULT-VALUE}).")
    long probeMillis = 2000;

    @Option(names = {"-o", "-output", "--output"}, paramLabel = "FORMAT",
            description = "text (LinuxKit's format, default) or json (memlogd's lines as sent, with seq).")
    Output output = Output.text;

    @Override
    public Integer call() {
        requireNonNegative(lines, "-n");
        requireNonNegative(after, "--after");
        if (daemon != null && after == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--daemon names the daemon that gave out --after's SEQ: give both");
        }
        if (daemon != null && (daemon.isEmpty() || daemon.length() > QueryRequest.MAX_DAEMON_LENGTH)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--daemon must be 1 to " + QueryRequest.MAX_DAEMON_LENGTH + " characters");
        }
        try {
            return stats ? printStats() : bundle != null ? writeBundle() : print();
        } catch (IOException e) {
            // Here rather than only in main's handler, so that a bare new CommandLine(...) behaves the same.
            return CliExceptionHandler.report(e, spec.commandLine());
        }
    }

    private int printStats() throws IOException {
        if (follow || dumpFollow || lines != null || !sources.isEmpty() || !services.isEmpty() || after != null
                || daemon != null || identity || level != null || bundle != null || logDir != null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--stats prints statistics, not entries: it goes with -o and --probe-timeout only");
        }
        String answer;
        try (ExtendedQuery.Answer reply = ExtendedQuery.send(socket.path(), QueryRequest.STATS, probeMillis)) {
            if (reply == null) {
                throw new IOException("memlogd at " + socket.path() + " did not answer within " + probeMillis
                        + " ms: LinuxKit's memlogd keeps no statistics");
            }
            answer = reply.firstLine();
        }
        if (answer == null || !answer.startsWith("{\"stats\":")) {
            throw new IOException("memlogd at " + socket.path() + " sent no statistics"
                    + (answer == null ? "" : ": " + abbreviate(answer)));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(output == Output.json ? answer + "\n" : StatsTable.render(answer, terminalWidth()));
        out.flush();
        return out.checkError() ? ExitCodes.IO_ERROR : ExitCodes.OK;
    }

    /** The terminal's width ($COLUMNS, else 100) when stdout is a terminal; 0 (no limit) when not. */
    private static int terminalWidth() {
        if (System.console() == null) {
            return 0;
        }
        try {
            return Math.max(40, Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "100")));
        } catch (NumberFormatException e) {
            return 100;
        }
    }

    private int writeBundle() throws IOException {
        if (follow || dumpFollow || lines != null || !sources.isEmpty() || !services.isEmpty() || after != null
                || daemon != null || identity || level != null || output != Output.text) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--bundle takes every entry: it goes with --log-dir and --probe-timeout only");
        }
        if (logDir != null && !Files.isDirectory(logDir)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--log-dir " + logDir + ": no such directory");
        }
        if (probeMillis <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--probe-timeout must be positive: " + probeMillis);
        }
        if (bundle.equals("-")) {
            BundleWriter writer = new BundleWriter(socket.path(), logDir, probeMillis, false);
            writer.write(new FileOutputStream(FileDescriptor.out), Path.of(System.getProperty("java.io.tmpdir")));
            return ExitCodes.OK;
        }
        // Written beside the target and renamed into place: a bundle that failed half-way never
        // looks like a whole one.
        Path target = Path.of(bundle).toAbsolutePath();
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        try {
            new BundleWriter(socket.path(), logDir, probeMillis, true)
                    .write(Files.newOutputStream(partial), target.getParent());
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
        return ExitCodes.OK;
    }

    private int print() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        boolean following = follow || dumpFollow;
        try (QueryClient client = connect()) {
            for (String line = client.readLine(); line != null; line = client.readLine()) {
                printLine(line, out);
                if (following) {
                    out.flush();
                }
                if (out.checkError()) {
                    return ExitCodes.IO_ERROR; // stdout closed (logread | head): stop quietly
                }
            }
        }
        out.flush();
        if (out.checkError()) {
            return ExitCodes.IO_ERROR;
        }
        if (following) {
            throw new IOException("memlogd at " + socket.path() + " closed the connection");
        }
        return ExitCodes.OK;
    }

    private QueryClient connect() throws IOException {
        List<String> wanted = new ArrayList<>(sources);
        for (String service : services) {
            wanted.add(service);
            wanted.add(service + LinuxKit.STDOUT_SUFFIX);
        }
        boolean filtered = lines != null || !wanted.isEmpty() || after != null || identity || level != null;
        if (!filtered) {
            // LinuxKit's logread: -F wins over -f.
            byte mode = dumpFollow ? LinuxKit.MODE_DUMP_FOLLOW : follow ? LinuxKit.MODE_FOLLOW : LinuxKit.MODE_DUMP;
            return QueryClient.open(socket.path(), mode);
        }
        // -f alone means "new entries only"; but "-n 20 -f" (tail -f) and "--after SEQ -f" (resume)
        // ask for held entries too, so those dump first.
        boolean dump = dumpFollow || !follow || lines != null || after != null;
        QueryRequest request = new QueryRequest(dump, follow || dumpFollow,
                after != null ? after : -1, lines != null ? lines : -1, wanted, identity, daemon,
                level != null ? level : -1);
        return QueryClient.open(socket.path(), request);
    }

    private void printLine(String line, PrintWriter out) {
        if (output == Output.json) {
            out.print(line);
            out.print('\n');
            return;
        }
        String text;
        try {
            // parse() rejects what is not an entry, format() a time that is not RFC 3339.
            text = LogreadFormat.format(EntryJsonParser.parse(line));
        } catch (IllegalArgumentException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("logread: skipped a line from memlogd that is not a log entry (" + e.getMessage() + "): "
                    + abbreviate(line));
            err.flush();
            return;
        }
        out.print(text);
        out.print('\n');
    }

    private static String abbreviate(String line) {
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }

    private void requireNonNegative(Number value, String option) {
        if (value != null && value.longValue() < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    option + " must not be negative: " + value);
        }
    }

    /** {@code --level}: a number or a name, as journalctl's {@code -p}; picocli reports a refusal's message. */
    static final class LevelConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                return SyslogPriority.parseLevel(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** Parses, runs, exits. Output is UTF-8 whatever the platform's charset. */
    public static void main(String[] args) {
        System.exit(Cli.commandLine(new LogreadCommand()).execute(args));
    }
}

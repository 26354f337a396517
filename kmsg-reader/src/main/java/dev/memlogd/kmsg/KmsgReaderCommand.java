package dev.memlogd.kmsg;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.memlogd.core.cli.Cli;
import dev.memlogd.core.cli.CliExceptionHandler;
import dev.memlogd.core.cli.GoBoolean;
import dev.memlogd.core.cli.GoFlagSyntax;
import dev.memlogd.core.cli.StopSignals;
import dev.memlogd.core.cli.VersionProvider;
import dev.memlogd.core.client.LogStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kmsg-reader}: the kernel log into memlogd (LinuxKit's {@code kmsg} package), one line
 * per record; on stderr for LinuxKit's init to hand to memlogd, or straight to memlogd's log
 * socket. See docs/kmsg-reader.md.
 */
@Command(name = "kmsg-reader", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        modelTransformer = GoFlagSyntax.class, sortOptions = false,
        description = "Writes every kernel log record as one line: on stderr (LinuxKit's kmsg, which init"
                + " hands to memlogd as source kmsg), or with -socket-log straight to memlogd. Continues after"
                + " the last record delivered in this boot; says how many records the kernel overwrote unread.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:end of -kmsg FILE, or stopped by SIGTERM or SIGINT",
            "1:cannot read the kernel log, reach memlogd, or keep the state file",
            "2:bad command line"})
public final class KmsgReaderCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-kmsg", "--kmsg"}, paramLabel = "PATH",
            description = "The kernel log device, or a recorded file of records (default: ${DEFAULT-VALUE}).")
    String kmsg = "/dev/kmsg";

    @Option(names = {"-socket-log", "--socket-log"}, paramLabel = "PATH",
            description = "Send the lines to this memlogd log socket (a stream of ours, as source -source)"
                    + " instead of stderr: no init needed.")
    Path socketLog;

    @Option(names = {"-source", "--source"}, paramLabel = "NAME",
            description = "Source name with -socket-log (default: ${DEFAULT-VALUE}).")
    String source = "kmsg";

    @Option(names = {"-state-dir", "--state-dir"}, paramLabel = "DIR",
            description = "Where the last delivered record is kept for a restart in the same boot; made if"
                    + " missing (default: ${DEFAULT-VALUE}).")
    Path stateDir = Path.of("/run/kmsg-reader");

    @Option(names = {"-follow-only", "--follow-only"}, arity = "0..1", paramLabel = "BOOL", fallbackValue = "true",
            converter = GoBoolean.class,
            description = "Only records logged from now on (default: from the oldest the kernel holds).")
    boolean followOnly;

    @Option(names = {"-continuation", "--continuation"}, paramLabel = "fold|drop",
            description = "A record's continuation lines (KEY=value): folded onto its line, or dropped"
                    + " (default: ${DEFAULT-VALUE}).")
    String continuation = "fold";

    @Option(names = {"-priority-prefix", "--priority-prefix"}, arity = "0..1", paramLabel = "BOOL", fallbackValue = "true",
            converter = GoBoolean.class,
            description = "Start each line with its syslog priority as <N> (journald's convention); default:"
                    + " on with -socket-log, off on stderr (LinuxKit's line).")
    Boolean priorityPrefix;

    @Override
    public Integer call() throws IOException {
        if (!continuation.equals("fold") && !continuation.equals("drop")) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "-continuation must be fold or drop: " + continuation);
        }
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        KmsgState state;
        long last;
        StringBuilder why = new StringBuilder();
        try {
            state = new KmsgState(stateDir, KmsgState.currentBootId());
            state.ensureDirectory();
            last = followOnly ? -1 : state.lastSeq(why);
        } catch (IOException e) {
            err.println("kmsg-reader: cannot use the state directory " + stateDir + ": " + e.getMessage());
            return 1;
        }
        java.io.FileInputStream in;
        try {
            in = KmsgReader.open(kmsg);
        } catch (IOException e) {
            err.println("kmsg-reader: " + e.getMessage());
            return 1;
        }
        KmsgReader.Output out;
        if (socketLog != null) {
            LogStream stream;
            try {
                stream = LogStream.open(socketLog, source);
            } catch (IOException e) {
                err.println("kmsg-reader: cannot reach memlogd at " + socketLog + ": " + e.getMessage());
                return 1;
            }
            out = line -> stream.write(line, 0, line.length);
        } else {
            out = line -> {
                err.write(line);
                err.flush();
            };
        }

        // The state is saved after every record: stopping at any point loses nothing.
        StopSignals.onStop(() -> System.exit(0));
        // A character device gives one whole record per read; a file or FIFO of records (a
        // recording) is cut by structure alone.
        boolean device = isCharacterDevice(Path.of(kmsg));
        // Made (and the follow-only start taken) before saying where it starts: a record logged
        // after the line below is never taken for one logged before the start.
        KmsgReader reader = new KmsgReader(in, device, out, state, new BootClock(),
                continuation.equals("fold") ? KmsgFormat.Continuation.FOLD : KmsgFormat.Continuation.DROP,
                priorityPrefix != null ? priorityPrefix : socketLog != null, last, followOnly, err);
        err.println("kmsg-reader: " + (followOnly ? "following the records logged from now on"
                : last >= 0 ? "continuing after record " + last + " of this boot" : why));
        reader.run();
        return 0;
    }

    private static boolean isCharacterDevice(Path path) {
        try {
            int mode = (Integer) java.nio.file.Files.getAttribute(path, "unix:mode");
            return (mode & 0170000) == 0020000;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Parses, runs, exits. */
    public static void main(String[] args) {
        System.exit(Cli.commandLine(new KmsgReaderCommand()).execute(args));
    }
}

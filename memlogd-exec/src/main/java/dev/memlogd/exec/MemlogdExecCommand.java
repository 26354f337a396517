package dev.memlogd.exec;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import dev.memlogd.core.cli.Cli;
import dev.memlogd.core.cli.GoBoolean;
import dev.memlogd.core.cli.GoFlagSyntax;
import dev.memlogd.core.cli.VersionProvider;
import dev.memlogd.core.client.LogStream;
import dev.memlogd.core.wire.LinuxKit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code memlogd-exec}: runs a command with its stdout and stderr sent to memlogd and also
 * copied to our own, the command wrapper LinuxKit ships as {@code logwrite}.
 *
 * <p>Before starting the command it makes two socketpairs and sends one end of each to the log
 * socket ({@link LogStream}): stdout as {@code NAME.out}, stderr as {@code NAME}, as LinuxKit's
 * init names a service's streams. A {@link ProcessBuilder} cannot hand a socket to a child, so
 * the child writes to pipes and one {@link StreamCopier} thread per stream copies its bytes,
 * unchanged, to the socketpair and to our stdout or stderr. When the log socket is absent the
 * command still runs, with one warning. The exit code is the command's.
 *
 * <p>As with LinuxKit's wrapper, the default NAME is the command as given ({@code /bin/ls} logs
 * as {@code /bin/ls.out}). Differences from it: a missing log
 * socket is a warning, not a fatal error; a command that cannot start exits 127 and says why
 * on stderr and in the {@code NAME} log. Stdin is inherited. A SIGTERM to us is passed on to
 * the command. Like Go's {@code cmd.Run}, we return once both output streams reach EOF, so a
 * background process that keeps the command's stdout open keeps us waiting.
 *
 * <p>Fds: our copies of the sent socketpair ends are closed before the command starts; the
 * kept ends are closed by the copiers at EOF. {@link ProcessBuilder} closes every fd above 2 in
 * the child, so the command holds none of them. One instance runs once.
 */
@Command(name = "memlogd-exec", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        modelTransformer = GoFlagSyntax.class, sortOptions = false,
        description = "Runs COMMAND with its stdout logged by memlogd as NAME.out and its stderr as NAME,"
                + " and copied to this program's stdout and stderr. Options after COMMAND are COMMAND's."
                + " If no memlogd answers at -socket, COMMAND still runs (a service must not fail because"
                + " logging is down), with one warning; -require-daemon makes that an error instead.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "N:COMMAND's exit code (128 + signal when a signal ended it)",
            "2:bad command line",
            "69:no memlogd at -socket, with -require-daemon (COMMAND not run)",
            "127:COMMAND could not be started"})
public final class MemlogdExecCommand implements Callable<Integer> {
    /** Exit code when the command cannot be started, as a shell's. */
    public static final int CANNOT_RUN = 127;
    /** Exit code when memlogd cannot be reached and -require-daemon is set (sysexits' EX_UNAVAILABLE). */
    public static final int NO_DAEMON = 69;

    @Spec
    CommandSpec spec;

    @Option(names = {"-socket", "--socket"}, paramLabel = "PATH",
            description = "memlogd's log socket (default: ${DEFAULT-VALUE}).")
    Path logSocket = Path.of(LinuxKit.DEFAULT_LOG_SOCKET);

    @Option(names = {"-n", "--n", "--name"}, paramLabel = "NAME",
            description = "Source name (default: COMMAND as given, as LinuxKit's wrapper does).")
    String name;

    @Option(names = {"-require-daemon", "--require-daemon"}, arity = "0..1", paramLabel = "BOOL",
            fallbackValue = "true", converter = GoBoolean.class,
            description = "Do not run COMMAND when no memlogd answers at -socket: exit 69 instead.")
    boolean requireDaemon;

    @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The command and its arguments.")
    List<String> command = new ArrayList<>();

    private final OutputStream localOut;
    private final OutputStream localErr;

    /** Copies the command's output to this process's stdout and stderr. */
    public MemlogdExecCommand() {
        this(new FileOutputStream(FileDescriptor.out), new FileOutputStream(FileDescriptor.err));
    }

    /**
     * Copies the command's output to {@code localOut} and {@code localErr} (each written by one
     * thread); warnings go to the command line's error writer. This object does not close them.
     */
    public MemlogdExecCommand(OutputStream localOut, OutputStream localErr) {
        this.localOut = localOut;
        this.localErr = localErr;
    }

    @Override
    public Integer call() throws InterruptedException {
        String source = name == null || name.isEmpty() ? command.get(0) : name;
        PrintWriter err = spec.commandLine().getErr();
        // As LinuxKit: both streams handed over before the command starts, stdout first.
        LogStream outLog = openLog(source + LinuxKit.STDOUT_SUFFIX, err);
        LogStream errLog = outLog == null ? null : openLog(source, err);
        if (outLog == null && requireDaemon) {
            return NO_DAEMON;
        }

        Process process;
        try {
            process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            String message = "memlogd-exec: cannot run " + command.get(0) + ": " + startFailure(e) + "\n";
            err.print(message);
            err.flush();
            // Into the log as well, so a boot action that never ran leaves a trace there.
            StreamCopier.writeAndClose(errLog, message.getBytes(StandardCharsets.UTF_8));
            StreamCopier.writeAndClose(outLog, new byte[0]);
            return CANNOT_RUN;
        }
        StreamCopier stdout = StreamCopier.start(source + LinuxKit.STDOUT_SUFFIX, process.getInputStream(),
                outLog, localOut, err);
        StreamCopier stderr = StreamCopier.start(source, process.getErrorStream(), errLog, localErr, err);

        Thread forwardTerm = new Thread(() -> stopOnShutdown(process, stdout, stderr), "memlogd-exec-shutdown");
        Runtime.getRuntime().addShutdownHook(forwardTerm);
        try {
            int code = process.waitFor();
            // Like Go's cmd.Wait: the output is copied to its end (a background child of the
            // command that keeps the pipes open keeps us waiting too).
            stdout.join();
            stderr.join();
            return code;
        } finally {
            removeHook(forwardTerm);
        }
    }

    private LogStream openLog(String streamName, PrintWriter err) {
        try {
            return LogStream.open(logSocket, streamName);
        } catch (IOException e) {
            err.println("memlogd-exec: " + e.getMessage() + (requireDaemon ? "; not running " + command.get(0)
                    + " (-require-daemon)" : "; running " + command.get(0) + " without sending its output to memlogd"));
            err.flush();
            return null;
        }
    }

    /** SIGTERM (or ^C) on us: pass it on, and let the last output reach memlogd before the JVM halts. */
    private static void stopOnShutdown(Process process, StreamCopier stdout, StreamCopier stderr) {
        try {
            if (process.isAlive()) {
                process.destroy();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            stdout.join(1000);
            stderr.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down: the hook runs.
        }
    }

    /** The errno text of ProcessBuilder's "Cannot run program "x": error=2, No such file or directory". */
    private static String startFailure(IOException e) {
        // JDK 17: 'Cannot run program "x": error=2, No such file or directory'
        // JDK 25: 'Cannot run program "x": Exec failed, error: 2 (No such file or directory)'
        String message = String.valueOf(e.getMessage()).trim();
        int errno = message.indexOf("error=");
        int comma = errno < 0 ? -1 : message.indexOf(", ", errno);
        if (comma > 0) {
            return message.substring(comma + 2);
        }
        int open = message.lastIndexOf('(');
        if (message.contains("error: ") && open > 0 && message.endsWith(")")) {
            return message.substring(open + 1, message.length() - 1);
        }
        return message;
    }

    /** Parses, runs, exits with the command's code. */
    public static void main(String[] args) {
        System.exit(Cli.commandLine(new MemlogdExecCommand()).execute(args));
    }
}

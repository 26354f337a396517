package dev.memlogd.forward;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import javax.net.ssl.SSLContext;

import dev.memlogd.core.cli.Cli;
import dev.memlogd.core.cli.GoFlagSyntax;
import dev.memlogd.core.cli.QuerySocketOption;
import dev.memlogd.core.cli.StopSignals;
import dev.memlogd.core.cli.VersionProvider;
import dev.memlogd.core.client.ProgramLog;
import dev.memlogd.core.client.ResumePosition;
import dev.memlogd.core.wire.SyslogPriority;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code memlogd-forward}: follows memlogd and sends every entry to a syslog collector (rsyslog,
 * syslog-ng) as RFC 5424, at least once, resuming exactly after a restart of either side, and
 * saying what was lost when memlogd no longer held it (docs/forwarding.md).
 */
@Command(name = "memlogd-forward", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        modelTransformer = GoFlagSyntax.class, sortOptions = false,
        description = "Sends every entry memlogd holds and receives to a syslog collector as RFC 5424"
                + " (tcp: octet counting, tls: RFC 5425, udp: lossy, relp: each message acknowledged), at least"
                + " once: the checkpoint in the state directory moves only over what the collector has"
                + " (docs/forwarding.md).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:stopped by SIGTERM or SIGINT",
            "1:could not start (state directory, damaged checkpoint, TLS files)",
            "2:bad command line"})
public final class ForwardCommand implements Callable<Integer> {
    private static final List<String> FACILITIES = List.of("kern", "user", "mail", "daemon", "auth", "syslog", "lpr",
            "news", "uucp", "cron", "authpriv", "ftp", "ntp", "security", "console", "solaris-cron", "local0",
            "local1", "local2", "local3", "local4", "local5", "local6", "local7");

    @Spec
    CommandSpec spec;

    @Mixin
    QuerySocketOption socket;

    @Option(names = {"-to", "--to"}, required = true, paramLabel = "URL",
            description = "The collector: tcp://HOST:PORT (RFC 6587 octet counting), tls://HOST:PORT (RFC 5425),"
                    + " udp://HOST:PORT (RFC 5426: lossy), relp://HOST:PORT (RELP: rsyslog's imrelp acknowledges"
                    + " each message) or relp+tls://HOST:PORT.")
    String to;

    @Option(names = {"-state-dir", "--state-dir"}, required = true, paramLabel = "DIR",
            description = "Directory of the checkpoint (memlogd-forward.checkpoint); must exist.")
    Path stateDir;

    @Option(names = {"-hostname", "--hostname"}, paramLabel = "NAME",
            description = "HOSTNAME of every message (default: this machine's, /proc/sys/kernel/hostname).")
    String hostname;

    @Option(names = {"-facility", "--facility"}, paramLabel = "NAME",
            description = "Facility of entries without a priority: a name (user, daemon, local0...) or 0-23"
                    + " (default: ${DEFAULT-VALUE}).")
    String facility = "user";

    @Option(names = {"-severity", "--severity"}, paramLabel = "LEVEL",
            description = "Severity of entries without a priority: 0-7 or a name (default: ${DEFAULT-VALUE}).")
    String severity = "info";

    @Option(names = {"-level", "--level"}, paramLabel = "LEVEL",
            description = "Only entries of this level or more severe (their priority's, else -severity's):"
                    + " 0-7 or a name (default: debug, everything).")
    String level = "debug";

    @Option(names = {"-include", "--include"}, paramLabel = "GLOB",
            description = "Forward only sources matching this glob (* and ?); repeatable (default: every source).")
    List<String> include = new ArrayList<>();

    @Option(names = {"-exclude", "--exclude"}, paramLabel = "GLOB",
            description = "Do not forward sources matching this glob; repeatable; wins over -include.")
    List<String> exclude = new ArrayList<>();

    @Option(names = {"-ca-file", "--ca-file"}, paramLabel = "PEM",
            description = "tls, relp+tls: the CA certificates the collector's must chain to (default: the JDK's).")
    Path caFile;

    @Option(names = {"-cert", "--cert"}, paramLabel = "PEM",
            description = "tls, relp+tls: this forwarder's certificate chain, for collectors that ask for one.")
    Path certFile;

    @Option(names = {"-key", "--key"}, paramLabel = "PEM",
            description = "tls, relp+tls: the PKCS#8 private key of -cert (BEGIN PRIVATE KEY, unencrypted).")
    Path keyFile;

    @Option(names = {"-max-message", "--max-message"}, paramLabel = "BYTES",
            description = "Longest message; a longer one is cut (cut=\"N\" and [cut]), never split; at least"
                    + " 2048, which every RFC 5425 receiver takes (default: ${DEFAULT-VALUE}).")
    int maxMessage = 8192;

    @Option(names = {"-max-in-flight", "--max-in-flight"}, paramLabel = "BYTES",
            description = "Bytes sent and not yet acknowledged; reading memlogd waits beyond this. Over tcp and"
                    + " tls everything sent in the last -ack-window counts, so this caps the rate at this many"
                    + " bytes per -ack-window (default: ${DEFAULT-VALUE}, 32 MiB/s with the default window).")
    long maxInFlight = 64 << 20;

    @Option(names = {"-ack-window", "--ack-window"}, paramLabel = "MS",
            description = "tcp, tls: an entry counts as received this long after it was sent, if the connection"
                    + " showed no error or close meanwhile; also the most a broken connection sends twice"
                    + " (default: ${DEFAULT-VALUE}).")
    long ackWindow = 2000;

    @Option(names = {"-relp-window", "--relp-window"}, paramLabel = "MESSAGES",
            description = "relp, relp+tls: the most messages sent and not yet acknowledged, which is also the"
                    + " most a broken connection sends twice (default: ${DEFAULT-VALUE}, librelp's).")
    int relpWindow = 128;

    @Option(names = {"-retry-max", "--retry-max"}, paramLabel = "MS",
            description = "Longest wait between two attempts to reach memlogd or the collector; the waits"
                    + " double from 100 ms, jittered (default: ${DEFAULT-VALUE}).")
    long retryMax = 5000;

    @Option(names = {"-connect-timeout", "--connect-timeout"}, paramLabel = "MS",
            description = "Longest a connection to the collector, TLS handshake included, may take"
                    + " (default: ${DEFAULT-VALUE}).")
    int connectTimeout = 10000;

    @Option(names = {"-probe-timeout", "--probe-timeout"}, paramLabel = "MS",
            description = "How long memlogd may take to answer the extended query before it is taken for"
                    + " LinuxKit's (default: ${DEFAULT-VALUE}).")
    long probeTimeout = 2000;

    @Override
    public Integer call() throws IOException {
        ForwardOptions options = options();
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        ProgramLog log = new ProgramLog("memlogd-forward", err);
        ResumePosition checkpoint;
        SSLContext tls = null;
        try {
            if (!Files.isDirectory(stateDir)) {
                throw new IOException("state directory " + stateDir + " does not exist");
            }
            checkpoint = ForwardCheckpoint.read(stateDir);
            if (options.to().scheme().tls()) {
                tls = TlsContexts.create(caFile, certFile, keyFile);
            }
        } catch (IOException e) {
            spec.commandLine().getErr().println("memlogd-forward: cannot start: " + e.getMessage());
            return 1;
        }
        Forwarder forwarder = new Forwarder(options, checkpoint, tls, log);
        StopSignals.onStop(forwarder::requestStop);
        forwarder.run();
        return 0;
    }

    private ForwardOptions options() {
        Destination destination;
        int facilityCode;
        int severityLevel;
        int maxLevel;
        try {
            destination = Destination.parse(to);
            facilityCode = facility(facility);
            severityLevel = SyslogPriority.parseLevel(severity);
            maxLevel = SyslogPriority.parseLevel(level);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        String problem = maxMessage < Rfc5424.MIN_MAX_BYTES ? "-max-message must be at least 2048: " + maxMessage
                : maxMessage > 1 << 20 ? "-max-message must be at most 1048576: " + maxMessage
                : maxInFlight < maxMessage ? "-max-in-flight must be at least -max-message: " + maxInFlight
                : ackWindow < 0 ? "-ack-window must be at least 0: " + ackWindow
                : relpWindow < 1 || relpWindow > 100_000 ? "-relp-window must be 1 to 100000: " + relpWindow
                : retryMax < 100 ? "-retry-max must be at least 100: " + retryMax
                : connectTimeout < 1 ? "-connect-timeout must be at least 1: " + connectTimeout
                : probeTimeout < 1 ? "-probe-timeout must be at least 1: " + probeTimeout
                : (certFile == null) != (keyFile == null) ? "-cert and -key go together"
                : !destination.scheme().tls() && (caFile != null || certFile != null)
                        ? "-ca-file, -cert and -key are for tls:// and relp+tls:// only"
                : null;
        if (problem != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), problem);
        }
        return new ForwardOptions(socket.path(), destination, stateDir, hostname != null ? hostname : machineName(),
                facilityCode * 8 + severityLevel, maxLevel, List.copyOf(include), List.copyOf(exclude), caFile,
                certFile, keyFile, maxMessage, maxInFlight, ackWindow, retryMax, probeTimeout, connectTimeout,
                relpWindow);
    }

    static int facility(String text) {
        String name = text.toLowerCase(Locale.ROOT);
        if (name.matches("[0-9]{1,2}") && Integer.parseInt(name) <= 23) {
            return Integer.parseInt(name);
        }
        int code = FACILITIES.indexOf(name);
        if (code < 0) {
            throw new IllegalArgumentException("not a syslog facility: '" + text + "' (0-23, or "
                    + String.join(", ", FACILITIES) + ")");
        }
        return code;
    }

    /** The kernel's host name, without a DNS lookup (at boot there may be no resolver yet). */
    static String machineName() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
            return name.isEmpty() ? "-" : name;
        } catch (IOException e) {
            return "-";
        }
    }

    /** Parses, runs, exits. */
    public static void main(String[] args) {
        System.exit(Cli.commandLine(new ForwardCommand()).execute(args));
    }
}

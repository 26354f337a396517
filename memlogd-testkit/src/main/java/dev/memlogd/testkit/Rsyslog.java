package dev.memlogd.testkit;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real rsyslog collector ({@code rsyslogd -n -f <generated config>}, Debian's {@code rsyslog},
 * {@code rsyslog-gnutls} for TLS, {@code rsyslog-relp} for RELP) listening with imtcp (or imrelp)
 * on a loopback port, writing each
 * message it receives to {@code out.N.log} in its directory as it came ({@code %rawmsg%}: PRI,
 * header, structured data and message, one per line; N counts its starts, so that a line a
 * SIGKILL cut in half stays the last, incomplete, line of its file and {@link #messages()}
 * leaves it out). The queues are direct, so a message is in
 * the file once rsyslog has processed it, with no queue of its own to lose on a SIGKILL. Its
 * work directory and pid file are in its directory; nothing system-wide is touched.
 *
 * <p>With RELP (imrelp), rsyslog answers each message {@code 200 OK} once it was submitted to
 * the ruleset; with the direct queues here that is after omfile wrote it to the file.
 *
 * <p>The first start takes a free port (imtcp port 0, the port it took written to a file;
 * imrelp has no such file: a port the kernel gave out and the test closed again);
 * {@link #restart()} binds the same one again. Not thread-safe; owned by one test.
 */
public final class Rsyslog implements AutoCloseable {
    /** TLS material for a gtls listener: its CA, certificate and key (PEM). */
    public record Tls(Path caFile, Path certFile, Path keyFile) {
    }

    private final Path dir;
    private final Tls tls;
    private final boolean relp;
    private int port;
    private int starts;
    private Process process;

    private Rsyslog(Path dir, Tls tls, boolean relp) {
        this.dir = dir;
        this.tls = tls;
        this.relp = relp;
    }

    /** Starts a plain-TCP collector in {@code dir} (created if missing) and waits until it listens. */
    public static Rsyslog startTcp(Path dir) throws IOException {
        return start(dir, null);
    }

    /** Starts a TLS collector (RFC 5425, anonymous clients) presenting {@code tls}'s certificate. */
    public static Rsyslog start(Path dir, Tls tls) throws IOException {
        return start(dir, tls, false);
    }

    /**
     * Starts a RELP collector (imrelp), inside TLS when {@code tls} is not null (librelp's OpenSSL
     * side, which takes clients without a certificate).
     */
    public static Rsyslog startRelp(Path dir, Tls tls) throws IOException {
        return start(dir, tls, true);
    }

    private static Rsyslog start(Path dir, Tls tls, boolean relp) throws IOException {
        Files.createDirectories(dir);
        Rsyslog rsyslog = new Rsyslog(dir, tls, relp);
        if (relp) {
            try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                rsyslog.port = free.getLocalPort();
            }
        }
        rsyslog.launch();
        return rsyslog;
    }

    /** The port it listens on (loopback). */
    public int port() {
        return port;
    }

    /** The file its current run writes what it receives to, one message per line. */
    public Path output() {
        return dir.resolve("out." + starts + ".log");
    }

    /** What it received so far, over all its runs, one message per element (complete lines only). */
    public List<String> messages() throws IOException {
        List<String> messages = new ArrayList<>();
        for (int run = 1; run <= starts; run++) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(dir.resolve("out." + run + ".log"));
            } catch (NoSuchFileException e) {
                continue;
            }
            String text = new String(bytes, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            if (end >= 0) {
                messages.addAll(List.of(text.substring(0, end).split("\n", -1)));
            }
        }
        return messages;
    }

    /** Kills it with SIGKILL (as a crash would) and waits until it is gone. */
    public void sigkill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Starts it again on the same port, after {@link #sigkill()}. */
    public void restart() throws IOException {
        launch();
    }

    public long pid() {
        return process.pid();
    }

    /** Its config, stderr and pid, for failure messages. */
    public String describe() {
        try {
            return "rsyslogd on port " + port + " in " + dir + "\n--- rsyslog.conf:\n"
                    + Files.readString(dir.resolve("rsyslog.conf")) + "--- rsyslogd output:\n"
                    + (Files.exists(dir.resolve("rsyslogd.out")) ? Files.readString(dir.resolve("rsyslogd.out")) : "");
        } catch (IOException e) {
            return "rsyslogd in " + dir + " (" + e + ")";
        }
    }

    private void launch() throws IOException {
        Path portFile = dir.resolve("port");
        Files.deleteIfExists(portFile);
        Files.deleteIfExists(dir.resolve("rsyslogd.pid"));
        starts++;
        Files.writeString(dir.resolve("rsyslog.conf"), config(portFile));
        process = new ProcessBuilder("rsyslogd", "-n", "-f", dir.resolve("rsyslog.conf").toString(),
                "-i", dir.resolve("rsyslogd.pid").toString())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("rsyslogd.out").toFile()))
                .start();
        if (port == 0) {
            Await.await(() -> alive() && Files.exists(portFile) && !Files.readString(portFile).isBlank(),
                    Duration.ofSeconds(30), "rsyslogd listening on a port of its choice\n" + dir);
            port = Integer.parseInt(Files.readString(portFile).strip());
        } else {
            // imtcp writes listenPortFileName only for port 0: on a restart, the port answering says it listens.
            Await.await(() -> alive() && accepts(port), Duration.ofSeconds(30), "rsyslogd listening again on " + port);
        }
    }

    private boolean alive() {
        if (!process.isAlive()) {
            throw new IllegalStateException("rsyslogd exited " + process.exitValue() + "\n" + describe());
        }
        return true;
    }

    private static boolean accepts(int port) {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String config(Path portFile) {
        if (relp) {
            return relpConfig();
        }
        StringBuilder c = new StringBuilder();
        c.append("global(workDirectory=\"").append(dir).append("\" maxMessageSize=\"64k\"");
        if (tls != null) {
            c.append(" defaultNetstreamDriver=\"gtls\" defaultNetstreamDriverCAFile=\"").append(tls.caFile())
                    .append("\" defaultNetstreamDriverCertFile=\"").append(tls.certFile())
                    .append("\" defaultNetstreamDriverKeyFile=\"").append(tls.keyFile()).append('"');
        }
        c.append(")\n");
        c.append(tls == null ? "module(load=\"imtcp\")\n"
                : "module(load=\"imtcp\" streamDriver.name=\"gtls\" streamDriver.mode=\"1\""
                        + " streamDriver.authMode=\"anon\")\n");
        c.append("main_queue(queue.type=\"Direct\")\n");
        c.append("template(name=\"raw\" type=\"string\" string=\"%rawmsg%\\n\")\n");
        c.append("ruleset(name=\"in\" queue.type=\"Direct\") {\n  action(type=\"omfile\" file=\"")
                .append(output()).append("\" template=\"raw\")\n}\n");
        c.append("input(type=\"imtcp\" address=\"127.0.0.1\" port=\"").append(port).append("\" ruleset=\"in\"");
        if (port == 0) {
            c.append(" listenPortFileName=\"").append(portFile).append('"');
        }
        c.append(")\n");
        return c.toString();
    }

    private String relpConfig() {
        StringBuilder c = new StringBuilder();
        c.append("global(workDirectory=\"").append(dir).append("\" maxMessageSize=\"64k\")\n");
        // librelp's GnuTLS side takes only clients with a certificate (a permitted fingerprint, or any the CA
        // signed with tls.authmode="certvalid"); its OpenSSL side also takes anonymous clients, as imtcp here does.
        c.append(tls == null ? "module(load=\"imrelp\")\n" : "module(load=\"imrelp\" tls.tlslib=\"openssl\")\n");
        c.append("main_queue(queue.type=\"Direct\")\n");
        c.append("template(name=\"raw\" type=\"string\" string=\"%rawmsg%\\n\")\n");
        c.append("ruleset(name=\"in\" queue.type=\"Direct\") {\n  action(type=\"omfile\" file=\"")
                .append(output()).append("\" template=\"raw\")\n}\n");
        c.append("input(type=\"imrelp\" address=\"127.0.0.1\" port=\"").append(port).append("\" ruleset=\"in\"");
        if (tls != null) {
            c.append(" tls=\"on\" tls.cacert=\"").append(tls.caFile()).append("\" tls.mycert=\"")
                    .append(tls.certFile()).append("\" tls.myprivkey=\"").append(tls.keyFile()).append('"');
        }
        c.append(")\n");
        return c.toString();
    }

    @Override
    public void close() throws Exception {
        if (process != null) {
            Processes.stop(process, Duration.ofSeconds(10));
        }
    }
}

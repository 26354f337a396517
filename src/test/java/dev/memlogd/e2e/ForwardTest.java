package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.e2e.Sources.Source;
import dev.memlogd.testkit.Await;
import dev.memlogd.testkit.Closer;
import dev.memlogd.testkit.Rsyslog;
import dev.memlogd.testkit.TempDirs;
import dev.memlogd.testkit.TestCertificates;

/**
 * memlogd-forward between a real daemon and a real rsyslog (docs/forwarding.md): the RFC 5424
 * fields, at least once across a collector SIGKILL and a forwarder SIGKILL (duplicates only as
 * one run of seqs sent again), and TLS with a CA made at test time, refused with one clear line
 * when the certificate is not trusted or not for the host; the same over RELP (rsyslog's
 * imrelp), where a collector SIGKILL repeats at most the frames not yet acknowledged.
 */
class ForwardTest {
    private static final Duration FLOOD_DEADLINE = Duration.ofSeconds(120);
    private final Closer closer = new Closer();
    private Path work;
    private Path state;

    @BeforeEach
    void directories() throws Exception {
        work = Files.createTempDirectory("forward-e2e-");
        state = Files.createDirectory(work.resolve("state"));
    }

    @AfterEach
    void cleanUp() throws Exception {
        closer.close();
        TempDirs.deleteRecursively(work);
    }

    /** The collector's messages of {@code source}, parsed. */
    private static List<Syslog5424> received(Rsyslog rsyslog, String source) throws Exception {
        return rsyslog.messages().stream().map(Syslog5424::parse).filter(m -> source.equals(m.param("source")))
                .collect(Collectors.toList());
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyEntryArrivesWithTimeHostAppNamePrioritySeqAndDaemon() throws Exception {
        DaemonProcess daemon = closer.add(DaemonProcess.start("-syslog-prefix", "disk"));
        Rsyslog rsyslog = closer.add(Rsyslog.startTcp(work.resolve("rsyslog")));
        try (Source web = Sources.socketpair(daemon.logSocket(), "web.out");
                Source disk = Sources.socketpair(daemon.logSocket(), "disk");
                Source odd = Sources.socketpair(daemon.logSocket(), "odd name \"q\" ]x")) {
            web.println("GET / 200");
            disk.println("<3>EXT4-fs error (device sda1)");
            odd.println("caf\u00e9 \u00fcber");
        }
        List<LogEntry> sent = daemon.awaitDump(d -> d.stream().filter(e -> e.seq() >= 0 && !e.source().equals("memlogd"))
                .count() == 3, "three entries held");
        ForwarderProcess forwarder = closer.add(ForwarderProcess.start(daemon.querySocket(),
                "tcp://127.0.0.1:" + rsyslog.port(), state));

        Await.await(() -> rsyslog.messages().size() >= sent.size(), Duration.ofSeconds(60),
                "every entry at the collector\n" + forwarder.describe() + "\n" + rsyslog.describe());

        Map<Long, Syslog5424> bySeq = new TreeMap<>();
        for (String line : rsyslog.messages()) {
            Syslog5424 m = Syslog5424.parse(line);
            bySeq.put(m.seq(), m);
        }
        String identity = bySeq.values().iterator().next().param("daemon");
        assertEquals(36, identity.length(), "a daemon identity (UUID): " + bySeq);
        for (LogEntry entry : sent) {
            Syslog5424 m = bySeq.get(entry.seq());
            assertTrue(m != null, "seq " + entry.seq() + " at the collector: " + bySeq);
            assertEquals("test-vm", m.hostname());
            assertEquals("log", m.msgId());
            assertEquals(identity, m.param("daemon"));
            assertEquals(entry.msg(), m.text());
            assertEquals(entry.time().substring(0, 19), m.timestamp().substring(0, 19));
            assertTrue(m.timestamp().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z"), m.timestamp());
        }
        Syslog5424 web = bySeq.values().stream().filter(m -> "web.out".equals(m.param("source"))).findFirst().get();
        Syslog5424 disk = bySeq.values().stream().filter(m -> "disk".equals(m.param("source"))).findFirst().get();
        Syslog5424 odd = bySeq.values().stream().filter(m -> m.appName().startsWith("odd")).findFirst().get();
        assertEquals(14, web.pri(), "user.info, the default");
        assertEquals("web.out", web.appName());
        assertEquals(3, disk.pri(), "the <3> prefix memlogd read");
        assertEquals("odd_name_\"q\"_]x", odd.appName());
        assertEquals("odd name \\\"q\\\" \\]x", odd.param("source"), "escaped as RFC 5424 6.3.3 says");
        assertTrue(odd.msg().startsWith("\ufeff"), "non-ASCII: a BOM first");
    }

    @Test
    @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void collectorKilledAndRestartedMidStreamLosesNothing() throws Exception {
        DaemonProcess daemon = closer.add(DaemonProcess.start("-max-lines", "200000", "-max-bytes", "67108864"));
        Rsyslog rsyslog = closer.add(Rsyslog.startTcp(work.resolve("rsyslog")));
        collectorSigkilledMidFloodThenRestarted(daemon, rsyslog, "tcp://127.0.0.1:" + rsyslog.port(),
                "-ack-window", "5000");
    }

    /**
     * A flood forwarded to {@code to}, the collector SIGKILLed once a fifth has arrived, then
     * restarted: every line arrives, at most one run sent twice, and the forwarder said it sent
     * again. Returns what arrived.
     */
    private List<Syslog5424> collectorSigkilledMidFloodThenRestarted(DaemonProcess daemon, Rsyslog rsyslog,
            String to, String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of(flags));
        args.addAll(List.of("-retry-max", "500"));
        ForwarderProcess forwarder = closer.add(ForwarderProcess.start(daemon.querySocket(), to, state,
                args.toArray(String[]::new)));
        int lines = 20_000;
        Thread writer = flood(daemon, lines);
        Await.await(() -> received(rsyslog, "flood").size() >= lines / 5, FLOOD_DEADLINE,
                "a fifth of the flood at the collector\n" + forwarder.describe());

        rsyslog.sigkill();
        rsyslog.restart();
        writer.join();

        Await.await(() -> distinctNumbers(received(rsyslog, "flood")).size() == lines, FLOOD_DEADLINE,
                "the whole flood at the collector\n" + forwarder.describe() + "\n" + rsyslog.describe());
        List<Syslog5424> got = received(rsyslog, "flood");
        assertEquals(lines, distinctNumbers(got).size());
        assertAtMostOneRunSentTwice(got, forwarder);
        assertTrue(forwarder.said().contains("; sending again after "), forwarder.describe());
        return got;
    }

    @Test
    @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void forwarderSigkilledAndRestartedMidStreamLosesNothing() throws Exception {
        DaemonProcess daemon = closer.add(DaemonProcess.start("-max-lines", "200000", "-max-bytes", "67108864"));
        Rsyslog rsyslog = closer.add(Rsyslog.startTcp(work.resolve("rsyslog")));
        forwarderSigkilledMidFloodThenRestarted(daemon, rsyslog, "tcp://127.0.0.1:" + rsyslog.port(),
                "-ack-window", "5000");
    }

    /**
     * A flood forwarded to {@code to}, the forwarder SIGKILLed once a fifth has arrived, then a
     * new one started on the same state: every line arrives, at most one run sent twice, no marker.
     */
    private void forwarderSigkilledMidFloodThenRestarted(DaemonProcess daemon, Rsyslog rsyslog, String to,
            String... flags) throws Exception {
        ForwarderProcess first = ForwarderProcess.start(daemon.querySocket(), to, state, flags);
        int lines = 20_000;
        Thread writer = flood(daemon, lines);
        Await.await(() -> received(rsyslog, "flood").size() >= lines / 5, FLOOD_DEADLINE,
                "a fifth of the flood at the collector\n" + first.describe());

        first.sigkill();
        String firstSaid = first.describe();
        first.close();
        ForwarderProcess second = closer.add(ForwarderProcess.start(daemon.querySocket(), to, state, flags));
        writer.join();

        Await.await(() -> distinctNumbers(received(rsyslog, "flood")).size() == lines, FLOOD_DEADLINE,
                "the whole flood at the collector\n" + firstSaid + "\n" + second.describe());
        List<Syslog5424> got = received(rsyslog, "flood");
        assertEquals(lines, distinctNumbers(got).size());
        assertAtMostOneRunSentTwice(got, second);
        assertTrue(got.stream().noneMatch(m -> m.msgId().equals("marker")), "nothing was missing");
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void tlsToACollectorWhoseCertificateTheTestCaSignedDeliversEveryEntry() throws Exception {
        oneEntryOverTls("tls", "over TLS");
    }

    /**
     * A collector whose certificate a CA made now signed, started by {@code scheme}'s rsyslog
     * setup; the forwarder given that CA delivers {@code text}.
     */
    private void oneEntryOverTls(String scheme, String text) throws Exception {
        TestCertificates ca = TestCertificates.authority(work.resolve("pki"), "test-ca");
        Path[] server = ca.issue("collector", "DNS:localhost", "IP:127.0.0.1");
        Rsyslog.Tls tls = new Rsyslog.Tls(ca.caFile(), server[0], server[1]);
        Rsyslog rsyslog = closer.add(scheme.startsWith("relp") ? Rsyslog.startRelp(work.resolve("rsyslog"), tls)
                : Rsyslog.start(work.resolve("rsyslog"), tls));
        DaemonProcess daemon = closer.add(DaemonProcess.start());
        try (Source web = Sources.socketpair(daemon.logSocket(), "web.out")) {
            web.println(text);
        }
        ForwarderProcess forwarder = closer.add(ForwarderProcess.start(daemon.querySocket(),
                scheme + "://localhost:" + rsyslog.port(), state, "-ca-file", ca.caFile().toString()));

        List<Syslog5424> got = Await.awaitValue(() -> received(rsyslog, "web.out"), l -> !l.isEmpty(),
                Duration.ofSeconds(60), "the entry at the " + scheme + " collector\n" + forwarder.describe() + "\n"
                        + rsyslog.describe());

        assertEquals(text, got.get(0).text());
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void certificateOfAnotherCaIsRefusedWithOneClearLine() throws Exception {
        TestCertificates ca = TestCertificates.authority(work.resolve("pki"), "test-ca");
        TestCertificates other = TestCertificates.authority(work.resolve("pki"), "other-ca");
        Path[] server = ca.issue("collector", "DNS:localhost", "IP:127.0.0.1");
        Rsyslog rsyslog = closer.add(Rsyslog.start(work.resolve("rsyslog"),
                new Rsyslog.Tls(ca.caFile(), server[0], server[1])));
        DaemonProcess daemon = closer.add(DaemonProcess.start());

        ForwarderProcess forwarder = closer.add(ForwarderProcess.start(daemon.querySocket(),
                "tls://localhost:" + rsyslog.port(), state, "-ca-file", other.caFile().toString()));

        String said = Await.awaitValue(forwarder::said, s -> s.contains("\n"), Duration.ofSeconds(60),
                "the forwarder's first line\n" + forwarder.describe());
        String first = said.substring(0, said.indexOf('\n'));
        assertTrue(first.startsWith("memlogd-forward: cannot reach collector tls://localhost:" + rsyslog.port()
                + ": TLS handshake with tls://localhost:" + rsyslog.port() + " failed: its certificate is not"
                + " signed by a trusted CA (-ca-file)"), said);
        assertEquals(List.of(), rsyslog.messages());
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void certificateForAnotherHostIsRefusedWithOneClearLine() throws Exception {
        TestCertificates ca = TestCertificates.authority(work.resolve("pki"), "test-ca");
        Path[] server = ca.issue("collector", "DNS:collector.example");
        Rsyslog rsyslog = closer.add(Rsyslog.start(work.resolve("rsyslog"),
                new Rsyslog.Tls(ca.caFile(), server[0], server[1])));
        DaemonProcess daemon = closer.add(DaemonProcess.start());

        ForwarderProcess forwarder = closer.add(ForwarderProcess.start(daemon.querySocket(),
                "tls://localhost:" + rsyslog.port(), state, "-ca-file", ca.caFile().toString()));

        String said = Await.awaitValue(forwarder::said, s -> s.contains("\n"), Duration.ofSeconds(60),
                "the forwarder's first line\n" + forwarder.describe());
        assertTrue(said.substring(0, said.indexOf('\n')).contains("failed: its certificate is not for localhost"),
                said);
        assertEquals(List.of(), rsyslog.messages());
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void overRelpEveryEntryArrivesWithItsFields() throws Exception {
        DaemonProcess daemon = closer.add(DaemonProcess.start("-syslog-prefix", "disk"));
        Rsyslog rsyslog = closer.add(Rsyslog.startRelp(work.resolve("rsyslog"), null));
        try (Source web = Sources.socketpair(daemon.logSocket(), "web.out");
                Source disk = Sources.socketpair(daemon.logSocket(), "disk")) {
            web.println("GET / 200");
            disk.println("<3>EXT4-fs error (device sda1)");
        }
        List<LogEntry> sent = daemon.awaitDump(d -> d.stream().filter(e -> e.seq() >= 0 && !e.source().equals("memlogd"))
                .count() == 2, "two entries held");
        ForwarderProcess forwarder = closer.add(ForwarderProcess.start(daemon.querySocket(),
                "relp://127.0.0.1:" + rsyslog.port(), state));

        Await.await(() -> rsyslog.messages().size() >= sent.size(), Duration.ofSeconds(60),
                "every entry at the collector\n" + forwarder.describe() + "\n" + rsyslog.describe());

        Map<Long, Syslog5424> bySeq = new TreeMap<>();
        rsyslog.messages().stream().map(Syslog5424::parse).forEach(m -> bySeq.put(m.seq(), m));
        for (LogEntry entry : sent) {
            Syslog5424 m = bySeq.get(entry.seq());
            assertTrue(m != null, "seq " + entry.seq() + " at the collector: " + bySeq);
            assertEquals("test-vm", m.hostname());
            assertEquals("log", m.msgId());
            assertEquals(entry.source(), m.appName());
            assertEquals(entry.source(), m.param("source"));
            assertEquals(36, m.param("daemon").length(), "a daemon identity (UUID)");
            assertEquals(entry.msg(), m.text());
            assertEquals(entry.time().substring(0, 19), m.timestamp().substring(0, 19));
            assertEquals(entry.source().equals("disk") ? 3 : 14, m.pri());
        }
        assertEquals(sent.size(), rsyslog.messages().size(), "each once");
    }

    @Test
    @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void relpCollectorKilledMidStreamLosesNothingAndRepeatsAtMostTheUnacknowledgedWindow() throws Exception {
        int window = 64;
        DaemonProcess daemon = closer.add(DaemonProcess.start("-max-lines", "200000", "-max-bytes", "67108864"));
        Rsyslog rsyslog = closer.add(Rsyslog.startRelp(work.resolve("rsyslog"), null));
        List<Syslog5424> got = collectorSigkilledMidFloodThenRestarted(daemon, rsyslog,
                "relp://127.0.0.1:" + rsyslog.port(), "-relp-window", String.valueOf(window));

        int duplicates = got.size() - distinctNumbers(got).size();
        assertTrue(duplicates <= window, duplicates + " duplicates, more than the " + window
                + " frames a RELP window holds unacknowledged");
    }

    @Test
    @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void relpForwarderSigkilledAndRestartedMidStreamLosesNothing() throws Exception {
        DaemonProcess daemon = closer.add(DaemonProcess.start("-max-lines", "200000", "-max-bytes", "67108864"));
        Rsyslog rsyslog = closer.add(Rsyslog.startRelp(work.resolve("rsyslog"), null));
        forwarderSigkilledMidFloodThenRestarted(daemon, rsyslog, "relp://127.0.0.1:" + rsyslog.port());
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void relpOverTlsToACollectorWhoseCertificateTheTestCaSignedDeliversEveryEntry() throws Exception {
        oneEntryOverTls("relp+tls", "over RELP and TLS");
    }

    /** Writes {@code flood 0} … {@code flood N-1} to a source {@code flood} from a thread. */
    private Thread flood(DaemonProcess daemon, int lines) throws Exception {
        Source source = closer.add(Sources.socketpair(daemon.logSocket(), "flood"));
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; i < lines; i++) {
                    source.println("flood " + i);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "flood writer");
        writer.start();
        return writer;
    }

    private static TreeSet<Integer> distinctNumbers(List<Syslog5424> messages) {
        return messages.stream().map(m -> Integer.parseInt(m.text().substring("flood ".length())))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Entries received twice are one run of consecutive seqs (what was sent again after the
     * break), each copy identical, so a receiver can drop them by seq.
     */
    private static void assertAtMostOneRunSentTwice(List<Syslog5424> got, ForwarderProcess forwarder) {
        Map<Long, Integer> copies = new TreeMap<>();
        Map<Long, String> text = new TreeMap<>();
        for (Syslog5424 m : got) {
            copies.merge(m.seq(), 1, Integer::sum);
            String before = text.putIfAbsent(m.seq(), m.text());
            assertTrue(before == null || before.equals(m.text()), "seq " + m.seq() + " is one entry");
        }
        List<Long> twice = copies.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                .collect(Collectors.toList());
        assertTrue(copies.values().stream().allMatch(c -> c <= 2), "no entry three times");
        if (!twice.isEmpty()) {
            assertEquals(twice.get(twice.size() - 1) - twice.get(0) + 1, twice.size(),
                    "the duplicates are one run of seqs: " + twice.get(0) + ".." + twice.get(twice.size() - 1)
                            + "\n" + forwarder.describe());
        }
    }
}

package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.memlogd.core.client.QueryClient;
import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.core.wire.EntryJsonParser;
import dev.memlogd.e2e.Sources.Source;
import dev.memlogd.testkit.Await;

/**
 * Query clients that misbehave, where LinuxKit hangs or blocks everyone: a client that sends
 * nothing ({@code -mode-timeout 300}), an unknown mode byte, one client too many
 * ({@code -max-clients 4}), a client that leaves mid-dump, odd but valid clients. Each is
 * answered with a notice and closed, simply dropped, or served, while a healthy source keeps
 * being read.
 */
class BadQueryClientTest extends BadInputContract {
    private static final int MAX_CLIENTS = 4;

    @BeforeAll
    static void startDaemon() throws Exception {
        startDaemonWithHealthySource("-mode-timeout", "300", "-max-clients", Integer.toString(MAX_CLIENTS));
    }

    /** The notices of a connection the daemon closed: one JSON line each. */
    private static List<LogEntry> parse(byte[] received) {
        return new String(received, StandardCharsets.UTF_8).lines().map(EntryJsonParser::parse)
                .collect(Collectors.toList());
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void clientThatSendsNothingIsToldWhyAndDisconnected() throws Exception {
        byte[] received;
        try (RawQuery silent = RawQuery.connect(daemon.querySocket())) {

            received = silent.readToEnd(); // returns at the daemon's close
        }

        List<LogEntry> notices = parse(received);
        assertEquals(1, notices.size(), () -> new String(received, StandardCharsets.UTF_8));
        assertEquals(LinuxKit.SOURCE_MEMLOGD, notices.get(0).source());
        assertEquals(-1, notices.get(0).seq(), "a notice, not a ring entry");
        assertTrue(notices.get(0).msg().contains("no mode byte"), notices.get(0)::msg);
    }

    /**
     * LinuxKit reads the mode byte in its accept loop, so one silent client blocks every other
     * client. A daemon of its own, whose silent clients would wait a minute for their notice:
     * a dump answered meanwhile was not held up by the silent one.
     */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void silentClientDoesNotHoldUpAnotherClient() throws Exception {
        try (DaemonProcess patient = DaemonProcess.start("-mode-timeout", "60000")) {
            SortedMap<Integer, String> before = patient.settledOpenFds();
            try (RawQuery silent = RawQuery.connect(patient.querySocket())) {
                Await.await(() -> patient.openFds().size() > before.size(), "the daemon accepts the silent client");

                List<LogEntry> dump = patient.dumpWithin(Duration.ofSeconds(10));

                assertNotNull(DaemonProcess.ownMessage(dump, "started"), dump::toString);
            }
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void malformedQueryRequestIsToldWhyAndDisconnected() throws Exception {
        byte[] received;

        try (RawQuery client = RawQuery.connect(daemon.querySocket())) {
            client.send(LinuxKit.MODE_QUERY, '{', 'n', 'o', 't', ' ', 'j', 's', 'o', 'n', '\n');
            received = client.readToEnd();
        }

        List<LogEntry> notices = parse(received);
        assertEquals(1, notices.size(), () -> new String(received, StandardCharsets.UTF_8));
        assertEquals(-1, notices.get(0).seq(), "a notice, not a ring entry");
        assertTrue(notices.get(0).msg().contains("bad query request"), notices.get(0)::msg);
    }

    /**
     * Issue 11: the notice quoted the whole field name, each {@code <} of it six bytes
     * ({@code \u003c}), so a request of 60 KB made a notice larger than the socket takes at
     * once, cut inside its line at the close.
     */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void requestWithAHugeUnknownFieldIsToldWhyInOneWholeLine() throws Exception {
        int[] request = new int[60_000];
        java.util.Arrays.fill(request, '<');
        request[0] = '{';
        request[1] = '"';
        int end = request.length - 6;
        for (char c : "\":1}\n".toCharArray()) {
            request[end++] = c;
        }
        List<LogEntry> notices = new ArrayList<>();

        try (RawQuery client = RawQuery.connect(daemon.querySocket())) {
            client.send(LinuxKit.MODE_QUERY);
            client.send(request);
            for (LogEntry notice = client.readEntry(); notice != null; notice = client.readEntry()) {
                notices.add(notice);
            }
        }

        assertEquals(1, notices.size(), notices::toString);
        assertTrue(notices.get(0).msg().contains("unknown field"), notices.get(0)::msg);
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void unknownModeByteIsToldWhyAndDisconnected() throws Exception {

        byte[] received = RawQuery.request(daemon.querySocket(), 9);

        List<LogEntry> notices = parse(received);
        assertEquals(1, notices.size(), () -> new String(received, StandardCharsets.UTF_8));
        assertEquals(LinuxKit.SOURCE_MEMLOGD, notices.get(0).source());
        assertEquals(-1, notices.get(0).seq(), "a notice, not a ring entry");
        assertTrue(notices.get(0).msg().contains("unknown mode byte 9"), notices.get(0)::msg);
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void clientLeavingMidDumpDoesNotDisturbAnotherClientsDump() throws Exception {
        // ~700 KB of entries: more than the client buffer and both socket buffers hold, so
        // the first client's dump is still in progress when it leaves.
        String padding = "x".repeat(200);
        try (Source bulk = Sources.socketpair(daemon.logSocket(), "bulk")) {
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < 3000; i++) {
                lines.append("bulk ").append(i).append(' ').append(padding).append('\n');
            }
            bulk.write(lines.toString().getBytes(StandardCharsets.US_ASCII));
            bulk.println("bulk end");
            daemon.awaitEntry("bulk", "bulk end");
        }
        List<LogEntry> dump = new ArrayList<>();

        try (QueryClient staying = QueryClient.open(daemon.querySocket(), LinuxKit.MODE_DUMP)) {
            try (QueryClient leaving = QueryClient.open(daemon.querySocket(), LinuxKit.MODE_DUMP)) {
                assertNotNull(leaving.readLine());
            }
            for (String line = staying.readLine(); line != null; line = staying.readLine()) {
                dump.add(EntryJsonParser.parse(line));
            }
        }

        for (int i = 1; i < dump.size(); i++) {
            assertEquals(dump.get(i - 1).seq() + 1, dump.get(i).seq(), "seq after " + dump.get(i - 1));
        }
        List<String> bulk = dump.stream().filter(e -> e.source().equals("bulk")).map(LogEntry::msg)
                .collect(Collectors.toList());
        assertEquals(3001, bulk.size());
        assertEquals("bulk end", bulk.get(bulk.size() - 1));
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void clientBeyondMaxClientsIsToldWhyAndDisconnected() throws Exception {
        List<QueryClient> followers = new ArrayList<>();
        try {
            // The daemon accepts in connection order, so these hold every slot before the next connects.
            for (int i = 0; i < MAX_CLIENTS; i++) {
                followers.add(QueryClient.open(daemon.querySocket(), LinuxKit.MODE_FOLLOW));
            }

            byte[] received = RawQuery.request(daemon.querySocket(), LinuxKit.MODE_DUMP);

            List<LogEntry> notices = parse(received);
            assertEquals(1, notices.size(), () -> new String(received, StandardCharsets.UTF_8));
            assertEquals(-1, notices.get(0).seq(), "a notice, not a ring entry");
            assertTrue(notices.get(0).msg().contains("too many query clients"), notices.get(0)::msg);
        } finally {
            Sources.closeAll(followers);
        }
        // Leaving followers free their slots: the contract's check of the healthy source dumps again.
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void dumpClientThatShutsDownItsWritingSideStillGetsTheWholeDump() throws Exception {
        healthy.println("before the half-closed dump");
        List<LogEntry> expected = daemon.awaitEntry("healthy", "before the half-closed dump");
        byte[] received;

        try (RawQuery client = RawQuery.connect(daemon.querySocket())) {
            client.send(LinuxKit.MODE_DUMP);
            client.shutdownOutput();
            received = client.readToEnd();
        }

        List<LogEntry> dump = parse(received);
        assertEquals(expected, dump.subList(0, Math.min(expected.size(), dump.size())));
    }

    /**
     * docs/protocol.md: "Bytes after the mode byte (modes 0-2) are ignored". Ignored means the
     * client gets its dump and then a clean end of stream: a daemon that closes the connection
     * with those bytes unread makes the kernel end the client's stream with ECONNRESET instead
     * of EOF, which a client (ours, LinuxKit's) takes for a broken connection.
     */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void bytesAfterTheModeByteAreIgnored() throws Exception {
        healthy.println("before the chatty dump");
        List<LogEntry> expected = daemon.awaitEntry("healthy", "before the chatty dump");
        List<LogEntry> dump = new ArrayList<>();
        String end;

        try (RawQuery client = RawQuery.connect(daemon.querySocket())) {
            client.send(LinuxKit.MODE_DUMP, 'x', 'y', '\n');
            try {
                for (byte[] line = client.readLine(); line != null; line = client.readLine()) {
                    dump.add(EntryJsonParser.parse(new String(line, StandardCharsets.UTF_8).stripTrailing()));
                }
                end = "EOF";
            } catch (IOException e) {
                end = e.toString();
            }
        }

        assertEquals(expected, dump.subList(0, Math.min(expected.size(), dump.size())), "the dump");
        assertEquals("EOF", end, "how the dump ended, after " + dump.size() + " entries");
    }
}

package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.memlogd.core.client.QueryClient;
import dev.memlogd.core.wire.EntryJsonParser;
import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.core.wire.QueryRequest;
import dev.memlogd.e2e.Sources.Source;
import dev.memlogd.testkit.AsUser;

/**
 * Who may read, and whose reading may hold ingest back (issue 11: item 6, "who may talk to
 * it"). The tests run as root, so "another user" is either a list naming another uid
 * ({@code -hold-uids 4242}) or a client run as nobody through {@code setpriv}. Writers are
 * paced only by readers allowed to hold, and only while those take at least
 * {@code -hold-min-rate}: here {@code -client-wait 60000}, so that a writer held by a reader
 * the daemon should not wait for would outlast the test.
 */
@ExtendWith(DaemonOutputOnFailure.class)
class QueryAccessTest {
    private static final int FLOOD = 20_000;

    private DaemonProcess daemon;

    @AfterEach
    void stopDaemon() {
        if (daemon != null) {
            daemon.close();
        }
    }

    /** Writes {@link #FLOOD} lines and "flood done"; returns once all are in the ring. */
    private void flood(Source source) throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < FLOOD; i++) {
            lines.append("flood ").append(i).append('\n');
        }
        source.write(lines.append("flood done\n").toString().getBytes(StandardCharsets.US_ASCII));
        daemon.awaitEntry(source.name(), "flood done");
    }

    /** What {@code follower} receives up to "flood done". */
    private static List<LogEntry> readUpToFloodDone(QueryClient follower) throws Exception {
        List<LogEntry> received = new ArrayList<>();
        for (String line = follower.readLine(); line != null; line = follower.readLine()) {
            LogEntry entry = EntryJsonParser.parse(line);
            received.add(entry);
            if (entry.msg().equals("flood done")) {
                return received;
            }
        }
        throw new AssertionError("follower closed before 'flood done': " + received.size() + " lines");
    }

    private static boolean hasNotice(List<LogEntry> received, String fragment) {
        return received.stream().anyMatch(e -> e.seq() < 0 && e.source().equals(LinuxKit.SOURCE_MEMLOGD)
                && e.msg().contains(fragment));
    }

    /** Issue 11, item 6: any reader could hold ingest back; now only allowed users do. */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void readerNotAllowedToHoldIngestIsLappedRatherThanPacingTheWriters() throws Exception {
        daemon = DaemonProcess.start("-hold-uids", "4242", "-client-wait", "60000", "-max-lines", "50",
                "-client-buffer", "16384");
        try (QueryClient follower = QueryClient.open(daemon.querySocket(), LinuxKit.MODE_FOLLOW);
             Source source = Sources.socketpair(daemon.logSocket(), "flood")) {
            daemon.awaitOwnMessage("reads without holding ingest", "user root");

            flood(source);

            List<LogEntry> received = readUpToFloodDone(follower);
            assertTrue(received.stream().anyMatch(e -> e.seq() < 0 && e.lost() > 0),
                    "a notice of entries lost among " + received.size() + " lines");
        }
    }

    /**
     * Issue 11, item 6: a reader taking just enough for -client-wait paced every writer, silently.
     * This one takes nothing at all, but -client-wait is a minute: only the pace bound
     * ({@code -hold-min-rate} over {@code -hold-min-time 200}) lets the writer go on. The
     * daemon's entry about it is read by a second follower of the daemon's entries only (the
     * flood evicts it from the small ring at once); that one sends nothing else, so it is never
     * behind and never holds anything back.
     */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void holdingReaderSlowerThanTheMinimumRateStopsHoldingAndIsTold() throws Exception {
        daemon = DaemonProcess.start("-client-wait", "60000", "-hold-min-rate", "1000000", "-hold-min-time", "200",
                "-max-lines", "50", "-client-buffer", "16384");
        try (QueryClient own = QueryClient.open(daemon.querySocket(),
                     new QueryRequest(false, true, -1, -1, List.of(LinuxKit.SOURCE_MEMLOGD)));
             QueryClient follower = QueryClient.open(daemon.querySocket(), LinuxKit.MODE_FOLLOW);
             Source source = Sources.socketpair(daemon.logSocket(), "flood")) {
            source.println("first");
            assertEquals("first", EntryJsonParser.parse(follower.readLine()).msg(), "the follower is registered");

            flood(source);

            List<LogEntry> received = readUpToFloodDone(follower);
            assertTrue(hasNotice(received, "this reader stopped holding ingest"), received.size() + " lines, notices: "
                    + received.stream().filter(e -> e.seq() < 0).map(LogEntry::msg).toList());
            LogEntry logged = EntryJsonParser.parse(own.readLine());
            assertTrue(logged.msg().contains("stopped holding ingest") && logged.msg().contains("user root")
                    && logged.msg().contains("-hold-min-rate 1000000"), logged::msg);
        }
    }

    /** "Who may talk to it": a client whose uid is not in -read-uids is told, and the daemon says who it was. */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void clientNotAllowedToReadGetsOneNoticeAndAnEntrySaysWhoItWas() throws Exception {
        daemon = DaemonProcess.start("-read-uids", "0", "-socket-query-mode", "0666");
        // The temp directory is root's alone: let nobody reach the socket in it.
        Files.setPosixFilePermissions(daemon.dir(), PosixFilePermissions.fromString("rwx--x--x"));

        Logread.Result result = Logread.runAs(AsUser.NOBODY, "-socket", daemon.querySocket().toString());

        assertEquals(1, result.lines().size(), result::describe);
        assertTrue(result.lines().get(0).contains("not allowed to read"), result::describe);
        LogEntry logged = daemon.awaitOwnMessage("refused", "not allowed to read");
        assertTrue(logged.msg().contains("65534") || logged.msg().contains("nobody"), logged::msg);
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void querySocketModeLetsAnotherUserRead() throws Exception {
        daemon = DaemonProcess.start("-socket-query-mode", "0666");
        Files.setPosixFilePermissions(daemon.dir(), PosixFilePermissions.fromString("rwx--x--x"));

        Logread.Result result = Logread.runAs(AsUser.NOBODY, "-socket", daemon.querySocket().toString());

        assertEquals(0, result.exitCode(), result::describe);
        assertNotNull(result.lines().stream().filter(l -> l.contains("started")).findFirst().orElse(null),
                result::describe);
        assertEquals(PosixFilePermissions.fromString("rw-rw-rw-"), Files.getPosixFilePermissions(daemon.querySocket()));
    }
}

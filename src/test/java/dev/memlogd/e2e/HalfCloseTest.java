package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.e2e.Sources.Source;

/**
 * Clients that shut down their writing side after their request, as a pipe into {@code socat}
 * or {@code nc -N} does: a half-close says "nothing more to say", not "stop". Each is served on,
 * in whole lines, until it closes (issue 11, item 1: such a mode-2 client got the dump cut
 * inside a line, and a mode-1 client was disconnected).
 */
class HalfCloseTest extends DaemonPerClass {
    /** Lines of about 250 bytes: ~750 KB, more than the client buffer and both socket buffers hold. */
    private static final int BULK_LINES = 3000;

    @BeforeAll
    static void fillTheRing() throws Exception {
        String padding = "x".repeat(200);
        try (Source bulk = Sources.socketpair(daemon.logSocket(), "bulk")) {
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < BULK_LINES; i++) {
                lines.append("bulk ").append(i).append(' ').append(padding).append('\n');
            }
            bulk.write(lines.toString().getBytes(StandardCharsets.US_ASCII));
            bulk.println("bulk end");
            daemon.awaitEntry("bulk", "bulk end");
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void dumpThenFollowClientThatHalfClosesGetsTheWholeDumpThenNewEntries() throws Exception {
        try (RawQuery client = RawQuery.connect(daemon.querySocket())) {
            client.send(LinuxKit.MODE_DUMP_FOLLOW);
            client.shutdownOutput();

            assertWholeDumpThenFollows(client, "after a mode-2 half-close");
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void dumpAndFollowRequestThatHalfClosesGetsTheWholeDumpThenNewEntries() throws Exception {
        try (RawQuery client = RawQuery.connect(daemon.querySocket())) {
            client.send(LinuxKit.MODE_QUERY);
            client.send(bytes("{\"follow\":true}\n"));
            client.shutdownOutput();

            assertWholeDumpThenFollows(client, "after a mode-3 half-close");
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void followClientThatHalfClosesStillGetsNewEntries() throws Exception {
        try (RawQuery client = RawQuery.connect(daemon.querySocket());
             Source source = Sources.socketpair(daemon.logSocket(), "mode1")) {
            client.send(LinuxKit.MODE_FOLLOW);
            client.shutdownOutput();
            // The daemon selects again after a dump that starts once the first one ended: by
            // then it has seen this client's EOF, so the line below comes after it.
            daemon.dump();
            daemon.dump();

            source.println("after a mode-1 half-close");

            awaitEntry(client, "after a mode-1 half-close");
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void halfClosedFollowerThatThenClosesWhileNothingIsSentToItIsLetGo() throws Exception {
        java.util.SortedMap<Integer, String> baseline = daemon.settledOpenFds();
        RawQuery client = RawQuery.connect(daemon.querySocket());
        client.send(LinuxKit.MODE_FOLLOW);
        client.shutdownOutput();
        // Two dumps in turn: the daemon has seen the half-close by the end of the second.
        daemon.dump();
        daemon.dump();

        client.close(); // nothing is written to it after this: only a probe can tell it has gone

        daemon.awaitFdCount(baseline);
    }

    /** Reads the dump to its last bulk line, every line whole, then a line written after it. */
    private static void assertWholeDumpThenFollows(RawQuery client, String newLine) throws Exception {
        List<LogEntry> dump = new ArrayList<>();
        for (LogEntry entry = client.readEntry(); !isBulkEnd(entry); entry = client.readEntry()) {
            assertNotNull(entry, () -> "the stream ended after " + dump.size() + " entries, before the dump's end");
            dump.add(entry);
        }
        try (Source source = Sources.socketpair(daemon.logSocket(), "new")) {
            source.println(newLine);

            // Entries the other tests appended since the bulk may come first.
            awaitEntry(client, newLine);
        }
        assertEquals(BULK_LINES, dump.stream().filter(e -> e.source().equals("bulk")).count(), "bulk lines dumped");
    }

    /** Reads whole lines until one with this message. */
    private static void awaitEntry(RawQuery client, String msg) throws Exception {
        LogEntry entry;
        do {
            entry = client.readEntry();
            assertNotNull(entry, "the stream ended before \"" + msg + "\": the half-closed follower was disconnected");
        } while (!entry.msg().equals(msg));
    }

    private static boolean isBulkEnd(LogEntry entry) {
        return entry != null && entry.source().equals("bulk") && entry.msg().equals("bulk end");
    }

    private static int[] bytes(String text) {
        byte[] raw = text.getBytes(StandardCharsets.UTF_8);
        int[] out = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            out[i] = raw[i];
        }
        return out;
    }
}

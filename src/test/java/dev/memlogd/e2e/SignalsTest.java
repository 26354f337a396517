package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.memlogd.core.client.FdSender;
import dev.memlogd.core.client.QueryClient;
import dev.memlogd.core.wire.EntryJsonParser;
import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.e2e.Sources.Source;
import dev.memlogd.testkit.Closer;
import dev.memlogd.testkit.Fifos;
import dev.memlogd.testkit.Fifos.OpenFifo;
import dev.memlogd.testkit.UnsentPair;

/**
 * SIGSTOP, SIGCONT and SIGKILL of the daemon, of a follower and of a producer: what each does
 * is a promise (docs/reliability.md, "Signals"). SIGTERM is {@code SigtermTest} and
 * {@code SigtermUnderLoadTest}; a reader that stops reading, seen from the daemon, is
 * {@code SlowFollowerTest} (here, the same through a real stopped {@code logread}).
 */
@ExtendWith(DaemonOutputOnFailure.class)
class SignalsTest {
    private static final Pattern IDENTITY = Pattern.compile("identity ([0-9a-f-]{36})");

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void stoppedDaemonLosesNoLineItsProducersWaitInTheKernelAndEverythingArrivesAfterSigcont() throws Exception {
        try (Closer closer = new Closer()) {
            DaemonProcess daemon = closer.add(DaemonProcess.start("-max-lines", "100000"));
            QueryClient follower = closer.add(QueryClient.open(daemon.querySocket(), LinuxKit.MODE_DUMP_FOLLOW));
            follower.readLine(); // the dump's first line: registered
            UnsentPair pair = closer.add(UnsentPair.open());
            FdSender.send(daemon.logSocket(), "paused", pair.readEnd());
            pair.closeReadEnd();
            Signals.stop(daemon.pid());

            // Write without blocking until the kernel takes no more: the stopped daemon reads
            // nothing, so the socket fills and a blocking writer would now wait in write(2).
            pair.writer().configureBlocking(false);
            int lines = 0;
            ByteBuffer chunk = ByteBuffer.allocate(0);
            while (true) {
                if (!chunk.hasRemaining()) {
                    chunk = chunkOfLines(lines, 100);
                    lines += 100;
                }
                if (pair.writer().write(chunk) == 0) {
                    break;
                }
            }
            Signals.cont(daemon.pid());
            pair.writer().configureBlocking(true);
            while (chunk.hasRemaining()) {
                pair.writer().write(chunk);
            }
            pair.write("done\n");

            List<String> received = new ArrayList<>();
            for (String line = follower.readLine(); line != null; line = follower.readLine()) {
                LogEntry entry = EntryJsonParser.parse(line);
                assertTrue(entry.seq() >= 0, "a notice: " + line);
                if (entry.source().equals("paused")) {
                    if (entry.msg().equals("done")) {
                        break;
                    }
                    received.add(entry.msg());
                }
            }
            assertTrue(lines > 1000, "the socket held " + lines + " lines before it was full");
            assertEquals(lines, received.size(), "every line written while the daemon was stopped");
            for (int i = 0; i < lines; i++) {
                assertEquals("paused line " + i, received.get(i));
            }
        }
    }

    private static ByteBuffer chunkOfLines(int first, int count) {
        StringBuilder text = new StringBuilder();
        for (int i = first; i < first + count; i++) {
            text.append("paused line ").append(i).append('\n');
        }
        return ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * A service killed with SIGKILL (the OOM killer, a crash): the lines it wrote before are in
     * the pipe, and the daemon reads them all before the end of file the kill leaves, then closes
     * the source.
     */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void killedProducersLinesWrittenBeforeTheKillAreAllInTheRingAndItsSourceIsClosed() throws Exception {
        int count = 3000;
        try (Closer closer = new Closer()) {
            DaemonProcess daemon = closer.add(DaemonProcess.start());
            SortedMap<Integer, String> baseline = daemon.settledOpenFds();
            OpenFifo fifo = closer.add(Fifos.open(daemon.dir(), 1).get(0));
            FdSender.send(daemon.logSocket(), "killed", fifo.readEnd().getFD());
            fifo.readEnd().close();
            // The service writes its lines, then stops itself: once it is stopped, every write
            // has returned, so every line is in the pipe (or already read) when it is killed.
            Process service = new ProcessBuilder("sh", "-c", "i=0; while [ $i -lt " + count
                    + " ]; do echo \"killed line $i\"; i=$((i+1)); done; kill -STOP $$")
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(fifo.path().toFile()))
                    .start();
            closer.add(service::destroyForcibly);
            fifo.writeEnd().close(); // the service's copy is the only writer left
            dev.memlogd.testkit.Await.await(() -> Signals.state(service.pid()) == 'T', "the service wrote its lines");

            Signals.kill(service);

            List<LogEntry> dump = daemon.awaitDump(d -> d.stream().filter(e -> e.source().equals("killed")).count() >= count,
                    "every line of the killed service");
            List<String> lines = dump.stream().filter(e -> e.source().equals("killed")).map(LogEntry::msg).toList();
            for (int i = 0; i < count; i++) {
                assertEquals("killed line " + i, lines.get(i));
            }
            daemon.awaitFdCount(baseline);
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void killedFollowerFreesItsConnection() throws Exception {
        try (Closer closer = new Closer()) {
            DaemonProcess daemon = closer.add(DaemonProcess.start());
            SortedMap<Integer, String> baseline = daemon.settledOpenFds();
            Logread.Streaming logread = closer.add(Logread.start("-F", "-socket", daemon.querySocket().toString()));
            logread.nextLine(Duration.ofSeconds(30)); // the dump's first line: it follows now
            dev.memlogd.testkit.Await.await(() -> daemon.openFds().size() == baseline.size() + 1,
                    "the daemon holds the follower's connection");

            Signals.kill(logread.process());

            daemon.awaitFdCount(baseline);
        }
    }

    /**
     * A real {@code logread -F -o json} (it holds ingest: it runs as root) stopped with
     * SIGSTOP while a flood passes through a 50-entry ring: the flood goes on once the reader
     * has taken nothing for {@code -client-wait}; after SIGCONT the reader is told exactly
     * what it missed and follows on.
     */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void stoppedFollowerStopsHoldingAfterClientWaitAndAfterSigcontIsToldExactlyWhatItMissed() throws Exception {
        try (Closer closer = new Closer()) {
            DaemonProcess daemon = closer.add(DaemonProcess.start("-max-lines", "50", "-client-buffer", "16384",
                    "-client-wait", "200"));
            Logread.Streaming logread = closer.add(Logread.start("-f", "-o", "json", "-socket",
                    daemon.querySocket().toString()));
            Source source = closer.add(Sources.socketpair(daemon.logSocket(), "flood"));
            // logread -f sees only entries appended once it follows: write until one reaches it.
            String firstLine = null;
            for (int i = 0; firstLine == null; i++) {
                assertTrue(i < 300, "logread -f printed none of " + i + " lines");
                source.println("first " + i);
                firstLine = logread.pollLine(Duration.ofMillis(100));
            }
            LogEntry first = EntryJsonParser.parse(firstLine);
            Signals.stop(logread.process().pid());

            StringBuilder flood = new StringBuilder();
            for (int i = 0; i < 20_000; i++) {
                flood.append("flood line ").append(i).append('\n');
            }
            source.write(flood.append("flood done\n").toString().getBytes(StandardCharsets.US_ASCII));
            // The writer was not held for ever. (The daemon's entry saying why is evicted from
            // this small ring by the flood; SlowFollowerTest reads it with a second follower.)
            daemon.awaitEntry("flood", "flood done");
            Signals.cont(logread.process().pid());

            List<LogEntry> received = new ArrayList<>(List.of(first));
            while (!received.get(received.size() - 1).msg().equals("flood done")) {
                received.add(EntryJsonParser.parse(logread.nextLine(Duration.ofSeconds(30))));
            }
            long sent = received.stream().filter(e -> e.seq() >= 0).count();
            long lost = received.stream().filter(e -> e.seq() < 0 && e.lost() > 0).mapToLong(LogEntry::lost).sum();
            long span = received.get(received.size() - 1).seq() - first.seq() + 1;
            assertTrue(lost > 0, "the stopped reader was lapped");
            assertEquals(span, sent + lost, "seqs " + first.seq() + ".." + (first.seq() + span - 1) + ": sent " + sent
                    + ", counted lost " + lost);
        }
    }

    /**
     * SIGKILL of the daemon: no goodbye. Every reader's stream ends (EOF), every producer's next
     * write fails (EPIPE), the socket files stay. The next daemon replaces them, is a new
     * identity with seq from 1 and none of the old lines (the sources died with the old
     * daemon: LinuxKit's init hands each over once), and says so to a reader that resumes.
     */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void killedDaemonEndsEveryStreamFailsEveryWriteAndItsSuccessorIsANewDaemonThatSaysSo() throws Exception {
        try (Closer closer = new Closer()) {
            DaemonProcess killed = closer.add(DaemonProcess.start());
            String killedIdentity = identityOf(killed);
            Source producer = closer.add(Sources.socketpair(killed.logSocket(), "svc"));
            producer.println("before the kill");
            LogEntry before = killed.awaitEntry("svc", "before the kill").stream()
                    .filter(e -> e.msg().equals("before the kill")).findFirst().orElseThrow();
            QueryClient follower = closer.add(QueryClient.open(killed.querySocket(), LinuxKit.MODE_DUMP_FOLLOW));
            follower.readLine();

            killed.sigkill();
            killed.awaitExit(Duration.ofSeconds(10));

            while (follower.readLine() != null) {
                // the rest of what was sent, then end of file
            }
            assertNull(follower.readLine(), "the follower's stream ended");
            assertThrows(java.io.IOException.class, () -> producer.println("after the kill"), "EPIPE");
            DaemonProcess successor = closer.add(DaemonProcess.startIn(killed.dir(), null));
            String successorIdentity = identityOf(successor);
            assertNotEquals(killedIdentity, successorIdentity);
            List<LogEntry> dump = successor.dump();
            assertEquals(1, dump.get(0).seq(), dump::toString);
            assertTrue(dump.stream().noneMatch(e -> e.source().equals("svc")), "no line of the killed daemon's sources");
            Logread.Result resumed = Logread.run("-socket", successor.querySocket().toString(), "-o", "json",
                    "--after", Long.toString(before.seq()), "--daemon", killedIdentity);
            LogEntry notice = EntryJsonParser.parse(new String(resumed.stdout(), StandardCharsets.UTF_8).lines()
                    .findFirst().orElseThrow());
            assertTrue(notice.msg().startsWith("memlogd restarted: entries after seq " + before.seq()
                    + " of the previous daemon (" + killedIdentity + ") may be missing"), notice::msg);
        }
    }

    private static String identityOf(DaemonProcess daemon) {
        Matcher identity = IDENTITY.matcher(daemon.awaitOwnMessage("started", "identity").msg());
        assertTrue(identity.find());
        return identity.group(1);
    }
}

package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.memlogd.core.client.QueryClient;
import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.core.wire.EntryJsonParser;
import dev.memlogd.e2e.Sources.Source;

/**
 * Writers that outpace a reader which keeps reading: with a ring of 50 entries and 40,000
 * lines written as fast as four threads can, a dump+follow reader gets every line, because
 * ingest waits for it (docs/architecture.md, "Readers that keep reading lose nothing").
 * The same flood with {@code -client-wait 0} (LinuxKit's behaviour) laps it, which shows
 * that the flood does outpace the reader.
 *
 * <p>Neither outcome may hinge on timing: the reader that keeps reading gets a
 * {@code -client-wait} far above any pause of a loaded machine, and the reader of the
 * {@code -client-wait 0} run reads nothing until the writers are done, so the ring must lap it.
 */
@ExtendWith(DaemonOutputOnFailure.class)
class KeepingUpFollowerTest {
    private static final int SOURCES = 4;
    private static final int LINES = 10_000;

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void followerThatKeepsReadingGetsEveryLineWhileWritersOutpaceIt() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start("-max-lines", "50", "-client-buffer", "16384",
                "-client-wait", "600000")) {
            Flood flood = flood(daemon, false);

            assertEquals(0, flood.lost, () -> "lost " + flood.lost + " in notices " + flood.notices);
            assertEquals(List.of(), flood.notices);
            for (int s = 0; s < SOURCES; s++) {
                assertEquals(LINES, flood.received.getOrDefault("w" + s, 0), "lines of w" + s);
            }
        }
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void sameFloodWithClientWaitZeroLapsTheFollowerAndSaysHowMuch() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start("-max-lines", "50", "-client-buffer", "16384",
                "-client-wait", "0")) {
            Flood flood = flood(daemon, true);

            int received = flood.received.values().stream().mapToInt(Integer::intValue).sum();
            assertTrue(flood.lost > 0, "the flood outpaces the reader: lost " + flood.lost);
            assertTrue(received < SOURCES * LINES, "lines missing: received " + received);
        }
    }

    /** What one dump+follow reader saw of the flood. */
    private static final class Flood {
        final Map<String, Integer> received = new HashMap<>();
        final List<LogEntry> notices = new ArrayList<>();
        final List<Throwable> writeErrors = java.util.Collections.synchronizedList(new ArrayList<>());
        long lost;
    }

    /**
     * Connects a dump+follow reader, floods from {@link #SOURCES} writer threads, and reads
     * until every writer's last line arrived or every line is accounted for, checking per-source order on the way.
     *
     * @param writersFirst read nothing more until every writer has written its last line
     */
    private static Flood flood(DaemonProcess daemon, boolean writersFirst) throws Exception {
        Flood flood = new Flood();
        try (QueryClient follower = QueryClient.open(daemon.querySocket(), LinuxKit.MODE_DUMP_FOLLOW)) {
            // The dump holds memlogd's start entry: once it is read, the follower is registered.
            assertNotNull(follower.readLine(), "no dump");
            List<Thread> writers = new ArrayList<>();
            List<Source> sources = new ArrayList<>();
            for (int s = 0; s < SOURCES; s++) {
                Source source = Sources.socketpair(daemon.logSocket(), "w" + s);
                sources.add(source);
                Thread writer = new Thread(() -> write(source, flood.writeErrors), "writer " + s);
                writer.start();
                writers.add(writer);
            }
            if (writersFirst) {
                for (Thread writer : writers) {
                    writer.join();
                }
            }
            Map<String, Integer> next = new HashMap<>();
            // Each writer's last line is "done". The reader stops when it has every "done" or
            // when every line is accounted for, received or counted lost (a lost "done" too).
            int done = 0;
            int receivedTotal = 0;
            while (done < SOURCES && receivedTotal + flood.lost < SOURCES * (LINES + 1L)) {
                String line = follower.readLine();
                assertNotNull(line, "follower closed before every line was accounted for");
                LogEntry entry = EntryJsonParser.parse(line);
                if (entry.seq() < 0) {
                    flood.notices.add(entry);
                    flood.lost += Math.max(0, entry.lost());
                    continue;
                }
                if (!entry.source().startsWith("w")) {
                    continue;
                }
                receivedTotal++;
                if (entry.msg().equals("done")) {
                    done++;
                    continue;
                }
                int number = Integer.parseInt(entry.msg().substring(entry.msg().lastIndexOf(' ') + 1));
                int expected = next.getOrDefault(entry.source(), 0);
                assertTrue(number >= expected, entry.source() + ": line " + number + " after " + (expected - 1));
                next.put(entry.source(), number + 1);
                flood.received.merge(entry.source(), 1, Integer::sum);
            }
            for (Thread writer : writers) {
                writer.join();
            }
            Sources.closeAll(sources);
            assertEquals(List.of(), flood.writeErrors, "writers failed");
        }
        return flood;
    }

    private static void write(Source source, List<Throwable> errors) {
        try {
            StringBuilder chunk = new StringBuilder();
            for (int i = 0; i < LINES; i++) {
                chunk.append(source.name()).append(" flood line ").append(i).append('\n');
                if (chunk.length() > 16_000) {
                    source.write(chunk.toString().getBytes(StandardCharsets.US_ASCII));
                    chunk.setLength(0);
                }
            }
            source.write(chunk.append("done\n").toString().getBytes(StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            errors.add(e);
        }
    }
}

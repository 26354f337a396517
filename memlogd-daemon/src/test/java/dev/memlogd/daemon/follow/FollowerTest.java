package dev.memlogd.daemon.follow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.memlogd.core.ring.LogRing;
import dev.memlogd.core.ring.RecordDescriptor;
import dev.memlogd.core.wire.EntryEncoder;
import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.core.wire.QueryRequest;
import dev.memlogd.daemon.loop.Clock;
import dev.memlogd.core.wire.EntryJsonParser;

/** A follower over a real pipe: the pipe's kernel buffer stands in for a client's socket. */
@Timeout(30)
class FollowerTest {
    private static final byte[] SOURCE = "src".getBytes(StandardCharsets.UTF_8);

    private final LogRing ring = new LogRing(50, 1 << 20);
    private final List<long[]> laps = new ArrayList<>();
    private Pipe pipe;
    private Follower follower;
    private final StringBuilder received = new StringBuilder();

    @BeforeEach
    void open() throws IOException {
        pipe = Pipe.open();
        pipe.sink().configureBlocking(false);
        pipe.source().configureBlocking(false);
        follower = new Follower("test follower", pipe.sink(), ring, ReadPlan.followFromNow(ring), EntryEncoder.JSON,
                16384, new Clock(), new Follower.Owner() {
                    @Override
                    public void lapped(Follower f, long missed, int count) {
                        laps.add(new long[] {missed, count});
                    }

                    @Override
                    public void finished(Follower f) {
                    }

                    @Override
                    public boolean hungUp(SelectableChannel channel) {
                        return true;
                    }
                });
    }

    @AfterEach
    void close() throws IOException {
        follower.close();
        pipe.source().close();
    }

    private void append(String line) {
        append(line, RecordDescriptor.NO_PRI);
    }

    /** Appends an entry with syslog priority {@code pri}, or none for {@link RecordDescriptor#NO_PRI}. */
    private void append(String line, int pri) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        int flags = pri == RecordDescriptor.NO_PRI ? 0 : RecordDescriptor.priFlags(pri);
        ring.append(1L, SOURCE, SOURCE.length, ByteBuffer.wrap(bytes), 0, bytes.length, flags);
    }

    /** Replaces the follower with one reading what {@code request} asks for, on the same pipe. */
    private void follow(QueryRequest request) {
        follower = new Follower("level follower", pipe.sink(), ring, ReadPlan.of(request, ring, "id"),
                EntryEncoder.JSON, 16384, new Clock(), new Follower.Owner() {
                    @Override
                    public void lapped(Follower f, long missed, int count) {
                    }

                    @Override
                    public void finished(Follower f) {
                    }

                    @Override
                    public boolean hungUp(SelectableChannel channel) {
                        return true;
                    }
                });
    }

    /** One entry of each level, with facilities, and one without a priority: "msg" is its priority. */
    private void appendEveryLevel() {
        for (int pri : new int[] {0, 1, 2, 3, 4, 5, 6, 7, 11, 30, 191}) {
            append(Integer.toString(pri), pri);
        }
        append("none");
    }

    /** Reads what the pipe holds now. */
    private void drain() throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        while (pipe.source().read(buf.clear()) > 0) {
            received.append(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
        }
    }

    private List<LogEntry> entries() {
        List<LogEntry> entries = new ArrayList<>();
        for (String line : received.toString().split("\n")) {
            entries.add(EntryJsonParser.parse(line));
        }
        return entries;
    }

    @Test
    void followerThatKeepsUpGetsEveryEntryAndNoNotice() throws IOException {
        for (int i = 0; i < 200; i++) {
            append("line " + i);
            follower.pump();
            drain();
        }

        assertEquals(200, entries().size());
        assertTrue(laps.isEmpty());
    }

    @Test
    void followerThatFallsBehindGetsDropMarkerThenTheOldestHeldEntries() throws IOException {
        follower.pump();
        for (int i = 0; i < 120; i++) {
            append("line " + i);
        }

        follower.pump();
        drain();

        List<LogEntry> entries = entries();
        assertEquals(70, entries.get(0).lost());
        assertEquals("line 70", entries.get(1).msg());
        assertEquals(51, entries.size());
    }

    @Test
    void lapEpisodeIsReportedOnceWhenTheFollowerCatchesUp() throws IOException {
        // Fill the pipe without lapping (fewer lines per round than the ring holds), until
        // the follower has to wait for its channel; then flood the ring round after round.
        for (int round = 0; !follower.waitsForWritable(); round++) {
            for (int i = 0; i < 40; i++) {
                append("fill " + round + " line " + i + " ".repeat(100));
            }
            follower.pump();
        }
        for (int round = 0; round < 400; round++) {
            for (int i = 0; i < 60; i++) {
                append("round " + round + " line " + i + " ".repeat(100));
            }
            follower.pump();
        }
        assertTrue(laps.isEmpty(), "no report while still behind: " + laps.size());

        for (int i = 0; i < 1000 && !(follower.pump() || laps.size() > 0); i++) {
            drain();
        }

        assertEquals(1, laps.size(), "one report for the episode");
        assertTrue(laps.get(0)[0] > 0, "missed " + laps.get(0)[0] + " in " + laps.get(0)[1] + " laps");
    }

    /** Fills the pipe, floods the ring until the follower is lapped, then drains until it has caught up. */
    private void lapThenCatchUp() throws IOException {
        for (int round = 0; !follower.waitsForWritable(); round++) {
            for (int i = 0; i < 40; i++) {
                append("fill " + round + " line " + i + " ".repeat(100));
            }
            follower.pump();
        }
        for (int i = 0; i < 60; i++) {
            append("flood line " + i + " ".repeat(100));
        }
        follower.pump();
        while (follower.waitsForWritable() || follower.nextSeq() != ring.nextSeq()) {
            drain();
            follower.pump();
        }
        drain();
    }

    @Test
    void secondLapEpisodeWithinTenSecondsIsAddedUpAndReportedWhenTheReaderLeaves() throws IOException {
        lapThenCatchUp();
        int reportsAfterFirst = laps.size();
        long missedFirst = laps.get(0)[0];

        lapThenCatchUp();
        int reportsAfterSecond = laps.size();
        follower.close();

        assertEquals(1, reportsAfterFirst);
        assertEquals(1, reportsAfterSecond, "no second report within " + Follower.LAP_REPORT_INTERVAL_NANOS + " ns");
        assertEquals(2, laps.size(), "the held-back episode is reported when the reader leaves");
        assertTrue(laps.get(1)[0] > 0 && laps.get(1)[1] == 1, "missed " + laps.get(1)[0] + " in " + laps.get(1)[1]
                + " laps; first episode missed " + missedFirst);
    }

    /**
     * Appends and sends entries until the pipe is full and the follower waits for it, with the
     * last write cut inside a line: a pipe takes a write a page at a time, and these rounds of
     * lines (about 11 KB) are not a whole number of pages.
     */
    private void fillThePipe() {
        follower = new Follower("filling follower", pipe.sink(), ring, ReadPlan.followFromNow(ring),
                EntryEncoder.JSON, 20_000, new Clock(), new Follower.Owner() {
                    @Override
                    public void lapped(Follower f, long missed, int count) {
                        laps.add(new long[] {missed, count});
                    }

                    @Override
                    public void finished(Follower f) {
                    }

                    @Override
                    public boolean hungUp(SelectableChannel channel) {
                        return true;
                    }
                });
        for (int round = 0; !follower.waitsForWritable(); round++) {
            for (int i = 0; i < 45; i++) {
                append("fill " + round + " line " + i + " ".repeat(150));
            }
            follower.pump();
        }
    }

    @Test
    void followerEndedAtASeqSendsTheEntriesBeforeItThenFinishes() throws IOException {
        for (int i = 1; i <= 5; i++) {
            append("line " + i);
        }

        follower.endAt(4);
        boolean finished = follower.pump();
        drain();

        assertTrue(finished, "the stream ends");
        assertEquals(List.of("line 1", "line 2", "line 3"), entries().stream().map(LogEntry::msg).toList());
    }

    @Test
    void followerSentNoMoreGetsTheWholeLinesItHasBufferedThenANoticeCountingWhatItMissed() throws IOException {
        fillThePipe();
        for (int i = 0; i < 20; i++) {
            append("held back " + i);
        }
        follower.endAt(ring.nextSeq());

        follower.sendNoMore("memlogd stopping");
        boolean finished = false;
        for (int i = 0; i < 100 && !finished; i++) {
            drain();
            finished = follower.pump();
        }
        drain();

        assertTrue(finished, "the stream ends");
        assertTrue(received.toString().endsWith("\n"), "the last line is whole");
        List<LogEntry> entries = entries();
        LogEntry notice = entries.get(entries.size() - 1);
        assertTrue(notice.msg().startsWith("memlogd stopping: this reader was not sent its last "), notice::msg);
        assertEquals(-1, notice.seq(), "a notice, not an entry");
        assertEquals(ring.nextSeq() - 1, entries.size() - 1 + notice.lost(), "entries sent and entries missed");
    }

    /** Issue 11: a follower dropped after a bug left its reader with half a line. */
    @Test
    void followerAbandonedAfterABugEndsItsStreamAfterTheLineInFlight() throws IOException {
        fillThePipe();
        drain();
        assertFalse(received.toString().endsWith("\n"), "precondition: the full pipe ended inside a line");

        follower.abandon();
        drain();

        assertTrue(received.toString().endsWith("\n"), "the line in flight was finished");
        entries(); // every line parses
    }

    @Test
    void dumpWithALevelSendsOnlyEntriesOfThatSeverityOrMoreSevere() throws IOException {
        appendEveryLevel();
        follow(new QueryRequest(true, false, -1, -1, List.of(), false, null, 3));

        boolean finished = follower.pump();
        drain();

        assertTrue(finished, "the dump ends");
        // 11 is user.err (level 3); 30 daemon.info and 191 local7.debug are less severe; "none" has no priority.
        assertEquals(List.of("0", "1", "2", "3", "11"), entries().stream().map(LogEntry::msg).toList());
        assertEquals(List.of(0, 1, 2, 3, 11), entries().stream().map(LogEntry::pri).toList());
    }

    @Test
    void levelSevenSendsEveryEntryWithAPriorityAndNoneWithout() throws IOException {
        appendEveryLevel();
        follow(new QueryRequest(true, false, -1, -1, List.of(), false, null, 7));

        follower.pump();
        drain();

        assertEquals(11, entries().size());
        assertTrue(entries().stream().allMatch(e -> e.pri() >= 0), received.toString());
    }

    @Test
    void followWithALevelSkipsLessSevereEntriesAsTheyArrive() throws IOException {
        append("held error", 3);
        follow(new QueryRequest(false, true, -1, -1, List.of(), false, null, 4));

        follower.pump();
        appendEveryLevel();
        follower.pump();
        drain();

        assertEquals(List.of("0", "1", "2", "3", "4", "11"), entries().stream().map(LogEntry::msg).toList());
    }

    @Test
    void tailWithALevelCountsOnlyMatchingEntries() throws IOException {
        appendEveryLevel();
        follow(new QueryRequest(true, false, -1, 2, List.of(), false, null, 3));

        follower.pump();
        drain();

        assertEquals(List.of("3", "11"), entries().stream().map(LogEntry::msg).toList());
    }
}

package dev.memlogd.daemon.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.FileDescriptorCast;

import dev.memlogd.core.ring.LogRing;
import dev.memlogd.core.ring.RecordDescriptor;
import dev.memlogd.daemon.fd.FdChannels;
import dev.memlogd.daemon.loop.Clock;
import dev.memlogd.daemon.loop.KeyHandler;
import dev.memlogd.daemon.loop.OwnLog;

/** Ingest over real pipes and a real selector, driven round by round as the event loop does. */
@Timeout(30)
class IngestTest {
    private static final int READ_CHUNK = 64;
    private static final long HOUR_NANOS = 3_600_000_000_000L;

    private final LogRing ring = new LogRing(1000, 1 << 20);
    private final Clock clock = new Clock();
    private final Selector selector;
    /** Reads the syslog prefix of sources "kmsg" and "svc" only (-syslog-prefix kmsg,svc). */
    private Ingest ingest;
    private final List<Pipe> pipes = new ArrayList<>();

    IngestTest() throws IOException {
        selector = Selector.open();
        ingest = ingest(SyslogSources.parse("kmsg,svc"));
    }

    private Ingest ingest(SyslogSources syslogSources) {
        return new Ingest(ring, clock, new OwnLog(ring, clock, 1024), selector, READ_CHUNK, 1024, syslogSources,
                RateLimit.OFF, new SourceLedger(16));
    }

    /** Ingest with a rate limit of {@code burst} lines per hour: no window ends unless a test ends it. */
    private Ingest rateLimited(int burst) {
        return new Ingest(ring, clock, new OwnLog(ring, clock, 1024), selector, READ_CHUNK, 1024, SyslogSources.NONE,
                RateLimit.of(burst, HOUR_NANOS, "1h"), new SourceLedger(16));
    }

    @AfterEach
    void close() throws IOException {
        for (Pipe pipe : pipes) {
            pipe.sink().close();
            pipe.source().close();
        }
        selector.close();
    }

    /** A source whose writer has already written {@code text}. */
    private Pipe source(String name, String text) throws IOException {
        Pipe pipe = Pipe.open();
        pipes.add(pipe);
        pipe.source().configureBlocking(false);
        pipe.sink().write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        ingest.add(name, name.getBytes(StandardCharsets.UTF_8), pipe.source(), -1);
        return pipe;
    }

    /** One round of the event loop, as far as sources go: select, dispatch, read within the budget. */
    private void round(long budget) throws IOException {
        selector.selectNow(key -> ((KeyHandler) key.attachment()).onReady(key));
        ingest.read(budget);
    }

    private List<String> entries(String source) {
        return entries(source, false);
    }

    /** Rounds, one read of at most READ_CHUNK bytes per source each, until the source has {@code count} entries. */
    private void roundsUntil(String source, int count) throws IOException {
        for (int i = 0; i < 100 && entries(source).size() < count; i++) {
            round(Long.MAX_VALUE);
        }
    }

    /** The messages of a source's entries, each after its priority and a space when {@code withPri}. */
    private List<String> entries(String source, boolean withPri) {
        List<String> lines = new ArrayList<>();
        for (long seq = ring.oldestSeq(); seq < ring.nextSeq(); seq++) {
            int offset = ring.recordOffset(seq);
            ByteBuffer records = ring.buffer();
            int sourceLength = records.getInt(RecordDescriptor.sourceLengthOffset(offset));
            byte[] name = new byte[sourceLength];
            records.get(RecordDescriptor.sourceOffset(offset), name);
            if (source.equals(new String(name, StandardCharsets.UTF_8))) {
                byte[] msg = new byte[records.getInt(RecordDescriptor.msgLengthOffset(offset))];
                records.get(RecordDescriptor.msgOffset(offset, sourceLength), msg);
                int flags = records.getInt(RecordDescriptor.flagsOffset(offset));
                String pri = withPri ? RecordDescriptor.pri(flags) + ((flags & RecordDescriptor.FLAG_TRUNCATED) != 0
                        ? " truncated " : " ") : "";
                String suppressed = (flags & RecordDescriptor.FLAG_SUPPRESSED) != 0 ? "[suppressed] " : "";
                lines.add(suppressed + pri + new String(msg, StandardCharsets.UTF_8));
            }
        }
        return lines;
    }

    private static String lines(String prefix, int count, int length) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) {
            String line = prefix + i;
            sb.append(line).append("x".repeat(length - 1 - line.length())).append('\n');
        }
        return sb.toString();
    }

    @Test
    void sourceThatNeverStopsWritingGetsOneReadChunkPerRoundAndCannotStarveAnother() throws IOException {
        source("flood", lines("f", 40, READ_CHUNK / 2));
        source("quiet", "hello\n");

        round(Long.MAX_VALUE);
        int floodAfterOne = entries("flood").size();
        round(Long.MAX_VALUE);

        assertEquals(2, floodAfterOne, "one read of -read-chunk bytes holds two 32-byte lines");
        assertEquals(List.of("hello"), entries("quiet"));
        assertEquals(4, entries("flood").size());
    }

    @Test
    void readStoppedByTheBudgetCarriesOnWhereItStoppedWithNothingLostOrRepeated() throws IOException {
        source("s", lines("l", 6, 10));

        round(3);
        boolean unreadAfterBudget = ingest.hasUnread();
        round(Long.MAX_VALUE);

        assertTrue(unreadAfterBudget, "the rest of the read waits in the read buffer");
        assertEquals(List.of("l0xxxxxxx", "l1xxxxxxx", "l2xxxxxxx", "l3xxxxxxx", "l4xxxxxxx", "l5xxxxxxx"),
                entries("s"));
        assertFalse(ingest.hasUnread());
    }

    @Test
    void parkedSourcesDoNotWakeTheSelectorAndAreReadOnceIngestGoesOn() throws IOException {
        source("a", "one\n");
        source("b", "two\n");
        round(0);

        ingest.park();
        int readyWhileParked = selector.selectNow();
        ingest.read(Long.MAX_VALUE);
        int readyAfter = selector.selectNow();

        assertEquals(0, readyWhileParked);
        assertEquals(List.of("one"), entries("a"));
        assertEquals(List.of("two"), entries("b"));
        for (SelectionKey key : selector.keys()) {
            assertEquals(SelectionKey.OP_READ, key.interestOps(), "read interest back after the read");
        }
        assertEquals(0, readyAfter, "both pipes drained");
    }

    @Test
    void fdThatPollsReadableButReadsNothingIsClosedAfterThreeEmptyRounds() throws IOException {
        Pipe.SourceChannel channel;
        try (AFUNIXDatagramChannel datagram = AFUNIXDatagramChannel.open()) {
            channel = FdChannels.readable(
                    FileDescriptorCast.duplicating(datagram.getFileDescriptor()).getFileDescriptor());
        }
        // Closing junixsocket's channel shut the socket down: the copy polls readable and reads nothing.
        channel.configureBlocking(false);
        ingest.add("datagram", new byte[] {'d'}, channel, -1);

        round(Long.MAX_VALUE);
        round(Long.MAX_VALUE);
        int openAfterTwo = ingest.sourceCount();
        round(Long.MAX_VALUE);

        assertEquals(1, openAfterTwo);
        assertEquals(0, ingest.sourceCount());
        assertFalse(channel.isOpen());
        List<String> own = entries("memlogd");
        assertEquals(1, own.size());
        assertTrue(own.get(0).contains("polls readable but has nothing to read"), own.get(0));
    }

    @Test
    void sourceAtEndOfInputGivesItsLastLineWithoutNewlineAndIsClosed() throws IOException {
        Pipe pipe = source("s", "complete\npartial");
        pipe.sink().close();

        round(Long.MAX_VALUE);
        round(Long.MAX_VALUE);

        assertEquals(List.of("complete", "partial"), entries("s"));
        assertEquals(0, ingest.sourceCount());
    }

    @Test
    void optedInSourceHasItsPrefixTakenOffAndItsPriorityKept() throws IOException {
        source("kmsg", "<3>disk error\n<0>\n<191>local7 debug\n<6>crlf\r\n<192>too high\n<1a>x\n <4>late\nx<4>\n"
                + "<6>>arrow\nplain\n<03>zero\n");

        roundsUntil("kmsg", 11);

        assertEquals(List.of("3 disk error", "0 ", "191 local7 debug", "6 crlf", "-1 <192>too high", "-1 <1a>x",
                "-1  <4>late", "-1 x<4>", "6 >arrow", "-1 plain", "3 zero"), entries("kmsg", true));
    }

    @Test
    void sourceNotOptedInKeepsItsPrefixInTheMessage() throws IOException {
        source("web", "<3>oops\n");
        source("svc", "<3>oops\n");

        round(Long.MAX_VALUE);

        assertEquals(List.of("-1 <3>oops"), entries("web", true));
        assertEquals(List.of("3 oops"), entries("svc", true));
    }

    @Test
    void starOptsEverySourceIn() throws IOException {
        ingest = ingest(SyslogSources.parse("*"));
        source("web", "<4>warned\n");
        source("", "<5>no name\n");

        round(Long.MAX_VALUE);

        assertEquals(List.of("4 warned"), entries("web", true));
        assertEquals(List.of("5 no name"), entries("", true));
    }

    @Test
    void noSourceIsOptedInByDefault() throws IOException {
        ingest = ingest(SyslogSources.NONE);
        source("kmsg", "<3>kept as LinuxKit keeps it\n");

        round(Long.MAX_VALUE);

        assertEquals(List.of("-1 <3>kept as LinuxKit keeps it"), entries("kmsg", true));
    }

    @Test
    void prefixOfALineThatSpansTwoReadsIsRead() throws IOException {
        String first = "x".repeat(READ_CHUNK - 2) + "\n"; // the next line's '<' is the read's last byte
        source("kmsg", first + "<3>across\n");

        roundsUntil("kmsg", 2);

        assertEquals(List.of("-1 " + "x".repeat(READ_CHUNK - 2), "3 across"), entries("kmsg", true));
    }

    @Test
    void truncatedLineKeepsItsPriorityAndThePrefixCountsTowardsTheLineLength() throws IOException {
        source("kmsg", "<4>" + "y".repeat(2000) + "\n<4>next\n");

        roundsUntil("kmsg", 2);

        assertEquals(List.of("4 truncated " + "y".repeat(1024 - 3), "4 next"), entries("kmsg", true));
    }

    @Test
    void linesOverTheBurstAreCountedNotKeptAndTheCountIsWrittenAtEndOfFile() throws IOException {
        ingest = rateLimited(3);
        Pipe pipe = source("flood", "a\nb\nc\nd\ne\nf\ng\n");
        pipe.sink().close();

        roundsUntilClosed();

        assertEquals(List.of("a", "b", "c", "[suppressed] memlogd: suppressed 4 lines of this source in the last 1 s"
                + " (-rate-limit-burst 3 per -rate-limit-interval 1h)"), entries("flood"));
        List<String> own = entries("memlogd");
        assertEquals(1, own.size(), own::toString);
        assertTrue(own.get(0).contains("'flood'") && own.get(0).contains("-rate-limit-burst 3"), own.get(0));
    }

    @Test
    void endOfTheWindowWritesTheCountAndTheSourcesNextLinesAreKeptAgain() throws IOException {
        ingest = rateLimited(2);
        Pipe pipe = source("flood", "a\nb\nc\nd\ne\n");
        round(Long.MAX_VALUE);
        long windowEnd = ingest.nextRateWindowEnd();

        ingest.endRateWindows(windowEnd);
        pipe.sink().write(ByteBuffer.wrap("f\ng\n".getBytes(StandardCharsets.UTF_8)));
        round(Long.MAX_VALUE);

        assertEquals(List.of("a", "b", "[suppressed] memlogd: suppressed 3 lines of this source in the last 3600 s"
                + " (-rate-limit-burst 2 per -rate-limit-interval 1h)", "f", "g"), entries("flood"));
        assertEquals(Long.MAX_VALUE, ingest.nextRateWindowEnd(), "no source is suppressing any more");
    }

    @Test
    void windowThatIsNotOverYetWritesNothing() throws IOException {
        ingest = rateLimited(1);
        source("flood", "a\nb\n");
        round(Long.MAX_VALUE);

        ingest.endRateWindows(ingest.nextRateWindowEnd() - 1);

        assertEquals(List.of("a"), entries("flood"));
    }

    @Test
    void oneSourceOverItsLimitLeavesTheOthersUntouched() throws IOException {
        ingest = rateLimited(2);
        source("flood", "a\nb\nc\nd\n");
        source("quiet", "q1\nq2\n");

        round(Long.MAX_VALUE);

        assertEquals(List.of("a", "b"), entries("flood"));
        assertEquals(List.of("q1", "q2"), entries("quiet"));
    }

    @Test
    void suppressedLinesTakeNoneOfTheRoundsBudget() throws IOException {
        ingest = rateLimited(1);
        source("flood", "a\nb\nc\nd\n");
        source("quiet", "q\n");

        round(2);

        assertEquals(List.of("a"), entries("flood"));
        assertEquals(List.of("q"), entries("quiet"), "the counted lines left the budget to the next source");
    }

    private void roundsUntilClosed() throws IOException {
        for (int i = 0; i < 100 && ingest.sourceCount() > 0; i++) {
            round(Long.MAX_VALUE);
        }
        assertEquals(0, ingest.sourceCount());
    }
}

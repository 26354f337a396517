package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.core.wire.LogEntryJson;
import dev.memlogd.e2e.Sources.Source;

/**
 * The JSON a dump (mode 0) carries, read with the core {@code QueryClient} (or raw bytes where
 * the bytes themselves matter), and how source bytes become entries. The daemon keeps at most
 * 16 bytes per line ({@code -max-line-len 16}), so every message here is short.
 */
@ExtendWith(DaemonOutputOnFailure.class)
class JsonEntryTest {
    private static DaemonProcess daemon;

    @BeforeAll
    static void startDaemon() throws Exception {
        daemon = DaemonProcess.start("-max-line-len", "16");
    }

    @AfterAll
    static void stopDaemon() {
        daemon.close();
    }

    /** The entries of {@code source} in a dump, once there are {@code count} of them. */
    private static List<LogEntry> awaitEntriesOf(String source, int count) {
        List<LogEntry> dump = daemon.awaitDump(d -> d.stream().filter(e -> e.source().equals(source)).count() >= count,
                count + " entries of " + source);
        return dump.stream().filter(e -> e.source().equals(source)).collect(Collectors.toList());
    }

    private static String rawLineOf(String source, String msg) throws Exception {
        String sourceField = "\"source\":\"" + source + "\",\"msg\":\"" + msg + "\"";
        return Await.awaitValue(() -> daemon.dumpLines().stream().filter(l -> l.contains(sourceField))
                .findFirst().orElse(null), l -> l != null, "a raw line with " + sourceField);
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void fieldsComeInLinuxKitsOrderTimeSourceMsgThenSeq() throws Exception {
        try (Source source = Sources.socketpair(daemon.logSocket(), "order")) {

            source.println("hello");
            String line = rawLineOf("order", "hello");

            assertTrue(Pattern.matches("\\{\"time\":\"" + Formats.TIME + "\",\"source\":\"order\",\"msg\":\"hello\","
                    + "\"seq\":[1-9][0-9]*\\}", line), line);
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void seqGrowsByOneFromEachEntryToTheNextAcrossTheDump() throws Exception {
        try (Source a = Sources.socketpair(daemon.logSocket(), "seq-a");
             Source b = Sources.fifo(daemon.dir(), daemon.logSocket(), "seq-b")) {
            for (int i = 0; i < 20; i++) {
                a.println("a " + i);
                b.println("b " + i);
            }
            awaitEntriesOf("seq-a", 20);
            awaitEntriesOf("seq-b", 20);

            List<LogEntry> dump = daemon.dump();

            for (int i = 1; i < dump.size(); i++) {
                assertEquals(dump.get(i - 1).seq() + 1, dump.get(i).seq(), "seq after " + dump.get(i - 1));
            }
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void lineLongerThanMaxLineLenIsCutAndMarkedTruncated() throws Exception {
        try (Source source = Sources.socketpair(daemon.logSocket(), "long")) {

            source.println("0123456789abcdefTHE-REST-IS-DROPPED");
            source.println("short");
            List<LogEntry> entries = awaitEntriesOf("long", 2);

            assertEquals("0123456789abcdef", entries.get(0).msg());
            assertTrue(entries.get(0).truncated(), entries.get(0)::toString);
            assertEquals("short", entries.get(1).msg(), "the rest of the long line is dropped, not a new entry");
            assertFalse(entries.get(1).truncated());
            assertTrue(rawLineOf("long", "0123456789abcdef").endsWith(",\"truncated\":true}"));
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void crlfLineEndingLosesTheCarriageReturn() throws Exception {
        try (Source source = Sources.socketpair(daemon.logSocket(), "crlf")) {

            source.write("dos line\r\n".getBytes(StandardCharsets.US_ASCII));
            List<LogEntry> entries = awaitEntriesOf("crlf", 1);

            assertEquals("dos line", entries.get(0).msg());
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void loneCarriageReturnIsKept() throws Exception {
        try (Source source = Sources.socketpair(daemon.logSocket(), "lone-cr")) {

            source.write("a\rb\n".getBytes(StandardCharsets.US_ASCII));
            List<LogEntry> entries = awaitEntriesOf("lone-cr", 1);

            assertEquals("a\rb", entries.get(0).msg());
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void emptyLinesAreEntries() throws Exception {
        try (Source source = Sources.fifo(daemon.dir(), daemon.logSocket(), "empty")) {

            source.write("before\n\n\nafter\n".getBytes(StandardCharsets.US_ASCII));
            List<LogEntry> entries = awaitEntriesOf("empty", 4);

            assertEquals(List.of("before", "", "", "after"),
                    entries.stream().map(LogEntry::msg).collect(Collectors.toList()));
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void finalLineWithoutNewlineIsEmittedAtEof() throws Exception {
        Source source = Sources.socketpair(daemon.logSocket(), "no-newline");
        source.write("first\nunfinished".getBytes(StandardCharsets.US_ASCII));
        awaitEntriesOf("no-newline", 1);
        assertFalse(DaemonProcess.contains(daemon.dump(), "no-newline", "unfinished"), "emitted before EOF");

        source.close();

        daemon.awaitEntry("no-newline", "unfinished");
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void invalidUtf8GivesValidJsonWithOneReplacementCharacterPerBadByte() throws Exception {
        try (Source source = Sources.socketpair(daemon.logSocket(), "utf8")) {
            source.write(new byte[] {'b', 'a', 'd', (byte) 0xff, (byte) 0xc3, 'e', 'n', 'd', '\n'});
            awaitEntriesOf("utf8", 1);

            byte[] raw = RawQuery.request(daemon.querySocket(), LinuxKit.MODE_DUMP);

            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString(); // throws if the daemon wrote invalid UTF-8
            String line = text.lines().filter(l -> l.contains("\"source\":\"utf8\"")).findFirst().orElse(null);
            assertNotNull(line, text);
            assertTrue(line.contains("\"msg\":\"bad\\ufffd\\ufffdend\""), line); // Go's escape, one per bad byte
            assertEquals("bad\ufffd\ufffdend", LogEntryJson.parse(line).msg());
        }
    }
}

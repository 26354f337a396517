package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.core.wire.EntryJsonParser;
import dev.memlogd.e2e.Sources.Source;
import dev.memlogd.testkit.Await;

/**
 * The JSON a dump (mode 0) carries, read with the core {@code QueryClient} (or raw bytes where
 * the bytes themselves matter), and how source bytes become entries. Every daemon this runs
 * against keeps at most {@value #MAX_LINE_LEN} bytes per line ({@code -max-line-len}), so every
 * message here is short.
 *
 * <p>A contract: each subclass runs all of it against a daemon read differently
 * ({@link #flags()}), since a line that arrives in one read and a line that spans reads go
 * through different paths of the daemon's line splitter.
 */
@ExtendWith(DaemonOutputOnFailure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JsonEntryContract {
    static final int MAX_LINE_LEN = 16;

    private DaemonProcess daemon;

    /** The daemon's flags besides the sockets; must include {@code -max-line-len 16}. */
    abstract String[] flags();

    @BeforeAll
    void startDaemon() throws Exception {
        daemon = DaemonProcess.start(flags());
    }

    @AfterAll
    void stopDaemon() {
        daemon.close();
    }

    /** The entries of {@code source} in a dump, once there are {@code count} of them. */
    private List<LogEntry> awaitEntriesOf(String source, int count) {
        List<LogEntry> dump = daemon.awaitDump(d -> d.stream().filter(e -> e.source().equals(source)).count() >= count,
                count + " entries of " + source);
        return dump.stream().filter(e -> e.source().equals(source)).collect(Collectors.toList());
    }

    /** The JSON line of the first entry of {@code source}, as sent, once it is held. */
    private String rawLineOf(String source) throws Exception {
        String sourceField = "\"source\":\"" + source + "\",";
        return Await.awaitValue(() -> strictUtf8(RawQuery.request(daemon.querySocket(), LinuxKit.MODE_DUMP))
                .lines().filter(l -> l.contains(sourceField)).findFirst().orElse(null),
                l -> l != null, "a raw line with " + sourceField);
    }

    /** Decodes {@code bytes}, failing on anything that is not valid UTF-8. */
    private static String strictUtf8(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes)).toString();
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void fieldsComeInLinuxKitsOrderTimeSourceMsgThenSeq() throws Exception {
        try (Source source = Sources.socketpair(daemon.logSocket(), "order")) {

            source.println("hello");
            String line = rawLineOf("order");

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

    /** LinuxKit stamps a line when read, before the ring, so its times can go back; ours never do. */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void timeNeverGoesBackwardsInRingOrder() throws Exception {
        List<Source> sources = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                sources.add(Sources.socketpair(daemon.logSocket(), "clock-pair" + i));
                sources.add(Sources.fifo(daemon.dir(), daemon.logSocket(), "clock-fifo" + i));
            }
            for (int line = 0; line < 50; line++) {
                for (Source source : sources) {
                    source.println("t " + line);
                }
            }
            daemon.awaitDump(d -> d.stream().filter(e -> e.msg().equals("t 49")).count() == sources.size(),
                    "the last line of each of the " + sources.size() + " sources");

            List<LogEntry> dump = daemon.dump();

            for (int i = 1; i < dump.size(); i++) {
                Instant before = Instant.parse(dump.get(i - 1).time());
                Instant after = Instant.parse(dump.get(i).time());
                assertFalse(after.isBefore(before), "time goes back from " + dump.get(i - 1) + " to " + dump.get(i));
            }
        } finally {
            Sources.closeAll(sources);
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
            assertTrue(rawLineOf("long").endsWith(",\"truncated\":true}"), "truncated is the last field");
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void lineOfExactlyMaxLineLenEndingInCrLfIsNotTruncated() throws Exception {
        try (Source source = Sources.socketpair(daemon.logSocket(), "exact-crlf")) {

            source.write("0123456789abcdef\r\n".getBytes(StandardCharsets.US_ASCII));
            List<LogEntry> entries = awaitEntriesOf("exact-crlf", 1);

            assertEquals("0123456789abcdef", entries.get(0).msg());
            assertFalse(entries.get(0).truncated(), "the \\r of a \\r\\n ending is not part of the line");
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void lineOneByteOverMaxLineLenBeforeCrLfIsTruncated() throws Exception {
        try (Source source = Sources.socketpair(daemon.logSocket(), "over-crlf")) {

            source.write("0123456789abcdefX\r\n".getBytes(StandardCharsets.US_ASCII));
            List<LogEntry> entries = awaitEntriesOf("over-crlf", 1);

            assertEquals("0123456789abcdef", entries.get(0).msg());
            assertTrue(entries.get(0).truncated(), entries.get(0)::toString);
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void lineCutInsideAUtf8CharacterStillGivesValidJson() throws Exception {
        try (Source source = Sources.socketpair(daemon.logSocket(), "cut-utf8")) {

            // 15 ASCII bytes, then "é" (C3 A9): the cut at 16 bytes keeps only its first byte.
            source.println("0123456789abcde\u00e9");
            String line = rawLineOf("cut-utf8"); // decoded strictly: valid UTF-8

            LogEntry entry = EntryJsonParser.parse(line);
            assertEquals("0123456789abcde\ufffd", entry.msg());
            assertTrue(entry.truncated(), line);
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
            String line = rawLineOf("utf8"); // decoded strictly: valid UTF-8

            assertTrue(line.contains("\"msg\":\"bad\\ufffd\\ufffdend\""), line); // Go's escape, one per bad byte
            assertEquals("bad\ufffd\ufffdend", EntryJsonParser.parse(line).msg());
        }
    }

    /**
     * Go's {@code encoding/json} escapes HTML characters, control characters and U+2028, but
     * not DEL; a client comparing lines byte for byte with LinuxKit's sees the same bytes.
     */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void stringsAreEscapedAsGoEncodingJsonEscapesThem() throws Exception {
        try (Source source = Sources.socketpair(daemon.logSocket(), "escapes")) {

            source.println("<>&\"\\\t\u0001\u007f\u2028");
            String line = rawLineOf("escapes");

            assertTrue(line.contains("\"msg\":\"\\u003c\\u003e\\u0026\\\"\\\\\\t\\u0001\u007f\\u2028\""), line);
            assertNotNull(EntryJsonParser.parse(line));
        }
    }
}

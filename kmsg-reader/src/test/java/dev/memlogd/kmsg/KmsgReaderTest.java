package dev.memlogd.kmsg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader over recorded kernel logs (files of records, as {@code -kmsg FILE} takes them):
 * what the host kernel cannot be made to do without flooding it (records overwritten unread),
 * restarts against a state file, and the real ring of this machine's kernel.
 */
@org.junit.jupiter.api.Timeout(30)
class KmsgReaderTest {
    private static final String BOOT = "11111111-2222-3333-4444-555555555555";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream said = new ByteArrayOutputStream();

    /** Runs the reader over {@code records} (one per line of the recording); returns the lines delivered. */
    private List<String> read(String records, long lastDelivered, boolean followOnly) throws IOException {
        Path recording = Files.writeString(dir.resolve("kmsg"), records, StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (FileInputStream in = new FileInputStream(recording.toFile())) {
            new KmsgReader(in, false, out::write, new KmsgState(dir, BOOT), new BootClock(),
                    KmsgFormat.Continuation.FOLD, false, lastDelivered, followOnly,
                    new PrintStream(said, true, StandardCharsets.UTF_8)).run();
        }
        String text = out.toString(StandardCharsets.ISO_8859_1);
        return text.isEmpty() ? List.of() : Arrays.asList(text.split("\n"));
    }

    private static String records(long... seqs) {
        StringBuilder sb = new StringBuilder();
        for (long seq : seqs) {
            sb.append("6,").append(seq).append(',').append(seq * 1000).append(",-;record ").append(seq).append('\n');
        }
        return sb.toString();
    }

    private static List<String> messages(List<String> lines) {
        List<String> messages = new ArrayList<>();
        for (String line : lines) {
            messages.add(line.substring(line.indexOf(": ") + 2));
        }
        return messages;
    }

    @Test
    void everyRecordIsDeliveredOnceInOrderAndTheLastIsKept() throws IOException {
        List<String> lines = read(records(0, 1, 2), -1, false);

        assertEquals(List.of("record 0", "record 1", "record 2"), messages(lines));
        assertTrue(lines.get(0).startsWith("(0) - "), lines.get(0));
        assertEquals(2, new KmsgState(dir, BOOT).lastSeq(new StringBuilder()));
    }

    @Test
    void recordsTheKernelOverwroteUnreadBecomeOneLineWithTheirCount() throws IOException {
        List<String> lines = read(records(0, 1, 2, 40, 41), -1, false);

        assertEquals(List.of("record 0", "record 1", "record 2",
                "kmsg-reader: 37 records lost (seq 3 to 39): the kernel overwrote them before they could be read",
                "record 40", "record 41"), messages(lines));
    }

    @Test
    void restartInTheSameBootContinuesAfterTheLastRecordDelivered() throws IOException {
        read(records(0, 1, 2), -1, false);
        long last = new KmsgState(dir, BOOT).lastSeq(new StringBuilder());

        List<String> again = read(records(0, 1, 2, 3, 4), last, false);

        assertEquals(List.of("record 3", "record 4"), messages(again));
    }

    @Test
    void recordsOverwrittenWhileNotRunningAreCountedAtTheRestart() throws IOException {
        List<String> again = read(records(7, 8), 2, false);

        assertEquals(List.of("kmsg-reader: 4 records lost (seq 3 to 6): the kernel overwrote them before they could be"
                + " read while kmsg-reader was not running", "record 7", "record 8"), messages(again));
    }

    @Test
    void bootMessagesTheKernelOverwroteBeforeTheFirstStartAreCounted() throws IOException {
        List<String> lines = read(records(5, 6), -1, false);

        assertEquals("kmsg-reader: 5 records lost (seq 0 to 4): the kernel overwrote them before they could be"
                + " read before kmsg-reader first read the kernel log", messages(lines).get(0));
    }

    @Test
    void stateFileOfAnotherBootIsIgnored() throws IOException {
        new KmsgState(dir, "another-boot").save(300);
        StringBuilder why = new StringBuilder();

        long last = new KmsgState(dir, BOOT).lastSeq(why);

        assertEquals(-1, last);
        assertTrue(why.toString().contains("another boot"), why.toString());
    }

    @Test
    void followOnlySkipsWhatWasLoggedBeforeTheStartWithoutAGapLine() throws IOException {
        // Records stamped 0-2 ms after boot were logged long before now.
        List<String> lines = read(records(0, 1, 2), -1, true);

        assertEquals(List.of(), lines);
    }

    @Test
    void everyRecordOfThisMachinesKernelRingIsParsed() throws IOException {
        Path kmsg = Path.of("/dev/kmsg");
        Assumptions.assumeTrue(Files.isReadable(kmsg) && Files.isWritable(kmsg),
                "/dev/kmsg cannot be read and written here (needs root, or CAP_SYSLOG)");
        // The device never ends: a record of ours marks where the ring ended when the test began.
        String end = "kmsg-reader test end " + java.util.UUID.randomUUID();
        // With its newline: the kernel holds back a record without one (it may be continued)
        // until the next record arrives.
        Files.writeString(kmsg, "<7>" + end + "\n");
        List<KmsgRecord> records = new ArrayList<>();
        List<String> malformed = new ArrayList<>();
        KmsgParser parser = new KmsgParser();
        try (FileInputStream in = new FileInputStream(kmsg.toFile())) {
            byte[] buf = new byte[16 << 10];
            while (records.isEmpty() || !records.get(records.size() - 1).message().equals(end)) {
                int n = in.read(buf);
                parser.feed(buf, n, true, new KmsgParser.Records() {
                    @Override
                    public void record(KmsgRecord record) {
                        records.add(record);
                    }

                    @Override
                    public void malformed(String text, String why) {
                        malformed.add(why + ": " + text);
                    }
                });
            }
        }

        assertEquals(List.of(), malformed);
        assertEquals(7, records.get(records.size() - 1).level(), "our record's level");
        for (int i = 1; i < records.size(); i++) {
            assertEquals(records.get(i - 1).seq() + 1, records.get(i).seq(), "consecutive seqs at " + i);
        }
    }
}

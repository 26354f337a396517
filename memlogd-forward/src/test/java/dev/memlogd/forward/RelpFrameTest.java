package dev.memlogd.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class RelpFrameTest {
    /** What rsyslog 8.2302's imrelp (librelp 1.11) answers to {@code open}. */
    private static final String OPEN_DATA = "200 OK\nrelp_version=0\nrelp_software=librelp,1.11.0,"
            + "http://librelp.adiscon.com\ncommands=syslog\n";
    private static final String OPEN_ANSWER = "1 rsp 94 " + OPEN_DATA + "\n";

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<RelpFrame> parse(RelpFrame.Parser parser, byte[] bytes, int... cuts) throws IOException {
        List<RelpFrame> frames = new ArrayList<>();
        int from = 0;
        for (int cut : cuts) {
            parser.feed(bytes, from, cut - from, frames::add);
            from = cut;
        }
        parser.feed(bytes, from, bytes.length - from, frames::add);
        return frames;
    }

    private static String show(RelpFrame frame) {
        return frame.txnr() + " " + frame.command() + " [" + new String(frame.data(), StandardCharsets.UTF_8) + "]";
    }

    @Test
    void framesAreWrittenAsTxnrCommandDatalenDataLf() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        RelpFrame.write(out, 2, RelpFrame.SYSLOG, ascii("<14>1 - h a - log - hi"));
        RelpFrame.write(out, 3, RelpFrame.CLOSE, new byte[0]);

        assertEquals("2 syslog 22 <14>1 - h a - log - hi\n3 close 0\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void txnrWrapsToOneAfterTheHighest() {
        assertEquals(2, RelpFrame.next(1));
        assertEquals(1, RelpFrame.next(RelpFrame.MAX_TXNR));
    }

    @Test
    void answersAreReadWhateverTheReadsCutThemInto() throws IOException {
        byte[] bytes = ascii(OPEN_ANSWER + "2 rsp 6 200 OK\n3 rsp 6 200 OK\n0 serverclose 0\n");
        List<String> expected = List.of(show(new RelpFrame(1, "rsp", ascii(OPEN_DATA))),
                "2 rsp [200 OK]", "3 rsp [200 OK]", "0 serverclose []");

        for (int cut = 1; cut < bytes.length; cut++) {
            for (int second = cut; second < bytes.length; second += 7) {
                List<RelpFrame> frames = parse(new RelpFrame.Parser(1024), bytes, cut, second);

                assertEquals(expected, frames.stream().map(RelpFrameTest::show).toList(), "cut at " + cut + ", " + second);
            }
        }
    }

    @Test
    void oneByteAtATimeLeavesTheParserIdleOnlyBetweenFrames() throws IOException {
        byte[] bytes = ascii("2 rsp 6 200 OK\n");
        RelpFrame.Parser parser = new RelpFrame.Parser(1024);
        List<RelpFrame> frames = new ArrayList<>();

        for (int i = 0; i < bytes.length; i++) {
            assertEquals(i == 0, parser.idle(), "after " + i + " bytes");
            parser.feed(bytes, i, 1, frames::add);
        }

        assertTrue(parser.idle());
        assertEquals(List.of("2 rsp [200 OK]"), frames.stream().map(RelpFrameTest::show).toList());
    }

    @Test
    void responseStatusTextAndOffers() throws IOException {
        RelpFrame open = parse(new RelpFrame.Parser(1024), ascii(OPEN_ANSWER)).get(0);
        RelpFrame refused = new RelpFrame(5, "rsp", ascii("500 command disabled"));

        assertEquals(200, open.status());
        assertEquals("200 OK", open.statusLine());
        assertTrue(open.afterStatusLine().contains("commands=syslog\n"), open.afterStatusLine());
        assertEquals(500, refused.status());
        assertEquals("500 command disabled", refused.statusLine());
        assertEquals("", refused.afterStatusLine());
    }

    @Test
    void aResponseWithoutAStatusIsAnError() {
        IOException e = assertThrows(IOException.class, () -> new RelpFrame(4, "rsp", ascii("OK")).status());

        assertTrue(e.getMessage().contains("txnr 4 'OK'"), e.getMessage());
    }

    @Test
    void badFramesSayWhatWasExpectedAndWhatCame() {
        assertEquals("not a RELP frame: expected TXNR (1-9 digits), got 'x'", badFrame("x rsp 0\n"));
        assertEquals("not a RELP frame: expected TXNR (1-9 digits), got '0'", badFrame("1234567890 rsp 0\n"));
        assertEquals("not a RELP frame: expected COMMAND (1-32 letters), got '4' (txnr 2 rs)", badFrame("2 rs4 0\n"));
        assertEquals("not a RELP frame: expected DATALEN (1-9 digits), got 'x' (txnr 2 rsp)", badFrame("2 rsp x\n"));
        assertEquals("not a RELP frame: expected DATALEN (1-9 digits), got byte 10 (txnr 2 rsp)", badFrame("2 rsp 6\n"));
        assertEquals("not a RELP frame: expected LF after 6 bytes of DATA, got 'X' (txnr 2 rsp)",
                badFrame("2 rsp 6 200 OKX"));
        assertEquals("RELP frame txnr 2 rsp has DATALEN 2000, more than the 1024 taken", badFrame("2 rsp 2000 200"));
    }

    private static String badFrame(String text) {
        return assertThrows(IOException.class, () -> parse(new RelpFrame.Parser(1024), ascii(text))).getMessage();
    }
}

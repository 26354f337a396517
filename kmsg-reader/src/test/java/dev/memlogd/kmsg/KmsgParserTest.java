package dev.memlogd.kmsg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class KmsgParserTest {
    private final List<KmsgRecord> records = new ArrayList<>();
    private final List<String> malformed = new ArrayList<>();
    private final KmsgParser.Records sink = new KmsgParser.Records() {
        @Override
        public void record(KmsgRecord record) {
            records.add(record);
        }

        @Override
        public void malformed(String text, String why) {
            malformed.add(why + ": " + text);
        }
    };

    private void feed(KmsgParser parser, String text, boolean whole) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        parser.feed(bytes, bytes.length, whole, sink);
    }

    @Test
    void deviceReadIsOneRecordWithItsFieldsAndContinuationLines() {
        feed(new KmsgParser(), "6,194,310573,-;acpi PNP0A08:00: _OSC: OS supports\n SUBSYSTEM=acpi\n DEVICE=+acpi:PNP0A08:00\n",
                true);

        assertEquals(List.of(new KmsgRecord(6, 194, 310573, "acpi PNP0A08:00: _OSC: OS supports",
                List.of("SUBSYSTEM=acpi", "DEVICE=+acpi:PNP0A08:00"))), records);
        assertEquals(0, records.get(0).facility());
        assertEquals(6, records.get(0).level());
    }

    @Test
    void recordsOfAFileAreCutByStructureWhateverTheReadBoundaries() {
        String text = "5,0,0,-;Linux version\n6,1,10,-;second\n SUBSYSTEM=x\n30,2,20,c,caller=T1;third\n";
        KmsgParser parser = new KmsgParser();
        for (int i = 0; i < text.length(); i += 7) {
            feed(parser, text.substring(i, Math.min(text.length(), i + 7)), false);
        }
        parser.finish(sink);

        assertEquals(List.of(0L, 1L, 2L), records.stream().map(KmsgRecord::seq).toList());
        assertEquals(List.of("SUBSYSTEM=x"), records.get(1).dict());
        assertEquals(3, records.get(2).facility());
        assertEquals("third", records.get(2).message());
    }

    @Test
    void emptyMessageIsARecord() {
        feed(new KmsgParser(), "6,5,100,-;\n", true);

        assertEquals(List.of(new KmsgRecord(6, 5, 100, "", List.of())), records);
    }

    @Test
    void semicolonsInTheMessageStayInTheMessage() {
        feed(new KmsgParser(), "6,5,100,-;a;b;c\n", true);

        assertEquals("a;b;c", records.get(0).message());
    }

    @Test
    void headerNotOfTheAbiIsReportedAndSkipped() {
        KmsgParser parser = new KmsgParser();
        feed(parser, "no header at all\n", true);
        feed(parser, "x,1,2,-;bad priority\n", true);
        feed(parser, "6,1;too few fields\n", true);
        feed(parser, "6,7,8,-;fine\n", true);

        assertEquals(3, malformed.size(), malformed.toString());
        assertEquals(List.of(7L), records.stream().map(KmsgRecord::seq).toList());
        assertTrue(malformed.get(0).startsWith("no ';'"), malformed.get(0));
    }
}

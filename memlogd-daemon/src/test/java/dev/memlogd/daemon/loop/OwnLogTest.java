package dev.memlogd.daemon.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.memlogd.core.ring.LogRing;
import dev.memlogd.core.ring.RecordDescriptor;

class OwnLogTest {
    private final LogRing ring = new LogRing(1000, 1 << 20);
    private long now = 1_000;
    private final OwnLog ownLog = new OwnLog(ring, new Clock(), 1024, () -> now);

    private List<String> entries() {
        List<String> messages = new ArrayList<>();
        for (long seq = ring.oldestSeq(); seq < ring.nextSeq(); seq++) {
            int offset = ring.recordOffset(seq);
            int sourceLength = ring.buffer().getInt(RecordDescriptor.sourceLengthOffset(offset));
            int msgLength = ring.buffer().getInt(RecordDescriptor.msgLengthOffset(offset));
            byte[] msg = new byte[msgLength];
            ring.buffer().get(RecordDescriptor.msgOffset(offset, sourceLength), msg);
            messages.add(new String(msg, StandardCharsets.UTF_8));
        }
        return messages;
    }

    @Test
    void eachKindGetsABurstPerWindowThenIsCountedAndTheNextMessageSaysHowMany() {
        for (int i = 0; i < OwnLog.BURST + 5; i++) {
            ownLog.report("datagram", "bad datagram " + i);
        }
        ownLog.report("accept", "cannot accept");
        int inFirstWindow = entries().size();

        now += OwnLog.WINDOW_NANOS;
        ownLog.report("datagram", "bad datagram again");

        assertEquals(OwnLog.BURST + 1, inFirstWindow, "ten of one kind and one of another: " + entries());
        String last = entries().get(entries().size() - 1);
        assertEquals("bad datagram again (5 earlier messages like this were not logged)", last);
    }

    @Test
    void appendIsNeverRateLimitedAndCutsToTheLineLimit() {
        OwnLog shortLines = new OwnLog(ring, new Clock(), 10, () -> now);

        for (int i = 0; i < 3 * OwnLog.BURST; i++) {
            shortLines.append("memlogd stopping now");
        }

        assertEquals(3 * OwnLog.BURST, entries().size());
        assertTrue(entries().stream().allMatch("memlogd st"::equals), entries().get(0));
    }
}

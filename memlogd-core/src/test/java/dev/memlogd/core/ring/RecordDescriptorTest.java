package dev.memlogd.core.ring;

import static dev.memlogd.core.ring.RecordDescriptor.FLAG_PADDING;
import static dev.memlogd.core.ring.RecordDescriptor.FLAG_TRUNCATED;
import static dev.memlogd.core.ring.RecordDescriptor.MAX_PRI;
import static dev.memlogd.core.ring.RecordDescriptor.NO_PRI;
import static dev.memlogd.core.ring.RecordDescriptor.pri;
import static dev.memlogd.core.ring.RecordDescriptor.priFlags;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

/** The syslog priority's place in the flags word: bits 8-15, the priority plus one. */
class RecordDescriptorTest {

    @Test
    void everyPriorityIsKeptInBits8To15AsPriorityPlusOne() {
        for (int p = 0; p <= MAX_PRI; p++) {
            int flags = priFlags(p);

            assertEquals(p, pri(flags));
            assertEquals((p + 1) << 8, flags);
        }
    }

    @Test
    void flagsWithoutAPriorityHaveNone() {
        assertEquals(NO_PRI, pri(0));
        assertEquals(NO_PRI, pri(FLAG_TRUNCATED));
        assertEquals(NO_PRI, pri(FLAG_PADDING));
    }

    @Test
    void priorityLeavesTheOtherFlagsAlone() {
        int flags = FLAG_TRUNCATED | priFlags(MAX_PRI);

        assertEquals(FLAG_TRUNCATED, flags & FLAG_TRUNCATED);
        assertEquals(0, flags & FLAG_PADDING);
        assertEquals(MAX_PRI, pri(flags));
    }

    @Test
    void recordWithAPriorityIsNoLongerThanOneWithout() {
        LogRing ring = new LogRing(10, 4096);
        byte[] source = "kmsg".getBytes(UTF_8);
        byte[] msg = "oops".getBytes(UTF_8);

        long plain = ring.append(1, source, source.length, ByteBuffer.wrap(msg), 0, msg.length, 0);
        long withPri = ring.append(2, source, source.length, ByteBuffer.wrap(msg), 0, msg.length,
                FLAG_TRUNCATED | priFlags(3));

        ByteBuffer records = ring.buffer();
        int offset = ring.recordOffset(withPri);
        assertEquals(records.getInt(ring.recordOffset(plain)), records.getInt(offset), "same record length");
        assertEquals(RecordDescriptor.alignedLength(RecordDescriptor.recordLength(4, 4)), offset - ring.recordOffset(plain));
        assertEquals(3, pri(records.getInt(RecordDescriptor.flagsOffset(offset))));
        assertEquals(FLAG_TRUNCATED, records.getInt(RecordDescriptor.flagsOffset(offset)) & FLAG_TRUNCATED);
        assertEquals(NO_PRI, pri(records.getInt(RecordDescriptor.flagsOffset(ring.recordOffset(plain)))));
    }

    @Test
    void ringRefusesAPriorityAbove191AndChangesNothing() {
        LogRing ring = new LogRing(10, 4096);

        assertThrows(IllegalArgumentException.class,
                () -> ring.append(0, new byte[0], 0, ByteBuffer.allocate(1), 0, 1, priFlags(MAX_PRI + 1)));

        assertEquals(0, ring.size());
    }
}

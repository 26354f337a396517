package dev.memlogd.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.Random;

import org.junit.jupiter.api.Test;

class TimeTextTest {
    private static final long SEED = new Random().nextLong();

    private static String put(TimeText cache, long nanos, ByteBuffer out) {
        out.clear();
        cache.put(nanos, out);
        return Records.written(out);
    }

    @Test
    void firstStampIsFormattedEvenWhenItIsZero() {
        // The empty cache must not pass for a cached epoch (nanos 0 is the field's default).
        assertEquals("1970-01-01T00:00:00Z", put(new TimeText(), 0, ByteBuffer.allocate(30)));
    }

    @Test
    void repeatedAlternatingAndRandomStampsGiveGoTimesBytes() {
        Random random = new Random(SEED);
        TimeText cache = new TimeText();
        ByteBuffer heap = ByteBuffer.allocate(GoTime.MAX_FORMATTED_LENGTH);
        ByteBuffer direct = ByteBuffer.allocateDirect(GoTime.MAX_FORMATTED_LENGTH);
        long previous = 0;
        for (int i = 0; i < 20_000; i++) {
            long nanos;
            switch (random.nextInt(6)) {
                case 0:
                case 1:
                    nanos = previous; // a run of lines from one read
                    break;
                case 2:
                    // Neighbours: the last digit, or the fraction within the second, or across it.
                    nanos = previous + (random.nextBoolean() ? random.nextInt(3) - 1 : random.nextInt(2_000_000_001) - 1_000_000_000);
                    break;
                case 3:
                    nanos = random.nextLong(); // 1677-2262, negatives included
                    break;
                case 4:
                    nanos = (random.nextLong() >> 20) / 1_000_000_000L * 1_000_000_000L; // no fraction
                    break;
                default:
                    nanos = random.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE;
            }
            ByteBuffer out = random.nextBoolean() ? heap : direct;
            assertEquals(GoTime.formatRfc3339Nano(nanos), put(cache, nanos, out), "seed " + SEED + " nanos " + nanos);
            previous = nanos;
        }
    }

    @Test
    void stampsWithinOneSecondKeepTheDateAndRewriteTheFraction() {
        long second = 1_795_393_444_000_000_000L; // 2026-11-23T00:24:04Z
        TimeText cache = new TimeText();
        ByteBuffer out = ByteBuffer.allocate(GoTime.MAX_FORMATTED_LENGTH);
        long[] stamps = {second + 281_560_850, second + 999_999_999, second, second + 5, second + 100_000_000,
            second + 1_000_000_000, second - 1, second - 1_000_000_000 + 7, -1, 0, 1, -999_999_999, -1_000_000_000,
            Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE, Long.MAX_VALUE - 1, Long.MAX_VALUE / 1_000_000_000};
        for (long nanos : stamps) {
            assertEquals(GoTime.formatRfc3339Nano(nanos), put(cache, nanos, out), "nanos " + nanos);
        }
        // Every nanosecond count of fraction length 0-9 after a longer and a shorter one.
        Random random = new Random(SEED);
        for (int i = 0; i < 10_000; i++) {
            long nanos = second + random.nextInt(1_000_000_000) / (long) Math.pow(10, random.nextInt(10))
                    * (long) Math.pow(10, random.nextInt(3));
            nanos = Math.min(nanos, second + 999_999_999);
            assertEquals(GoTime.formatRfc3339Nano(nanos), put(cache, nanos, out), "seed " + SEED + " nanos " + nanos);
        }
    }

    @Test
    void putsAtPositionAndAdvancesIt() {
        ByteBuffer out = ByteBuffer.allocate(80);
        out.put((byte) 'x');
        TimeText cache = new TimeText();
        cache.put(1_795_393_444_281_560_850L, out); // formatted
        cache.put(1_795_393_444_281_560_850L, out); // copied
        assertEquals("x2026-11-23T00:24:04.28156085Z2026-11-23T00:24:04.28156085Z", Records.written(out));
    }

    @Test
    void tooSmallOutputIsLeftUnchangedAndTheCacheStillWorks() {
        TimeText cache = new TimeText();
        ByteBuffer small = ByteBuffer.allocate(10);
        small.put((byte) 'x');
        assertThrows(BufferOverflowException.class, () -> cache.put(1_795_393_444_281_560_850L, small));
        assertEquals(1, small.position());
        assertEquals("2026-11-23T00:24:04.28156085Z",
                put(cache, 1_795_393_444_281_560_850L, ByteBuffer.allocate(30)));
    }

    @Test
    void putAllocatesNothing() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "allocation counter unavailable");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        TimeText cache = new TimeText();
        ByteBuffer out = ByteBuffer.allocateDirect(GoTime.MAX_FORMATTED_LENGTH);
        long thread = Thread.currentThread().getId();
        for (int i = 0; i < 20_000; i++) { // warm up, so the measurement sees compiled code
            cache.put(1_795_393_444_281_560_850L + i / 3, out.clear());
        }
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 10_000; i++) {
            cache.put(1_795_393_444_281_560_850L + i / 3, out.clear());
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertTrue(allocated < 1_000, allocated + " bytes allocated for 10,000 stamps");
    }
}

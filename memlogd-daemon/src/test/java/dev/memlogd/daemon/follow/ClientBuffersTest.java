package dev.memlogd.daemon.follow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class ClientBuffersTest {
    private static final long MIB = 1L << 20;

    @Test
    void defaultClientsFitInTheDefaultDirectMemory() {
        ClientBuffers buffers = ClientBuffers.plan(64, 64 << 10, 16 << 10, 32 * MIB);

        assertEquals(64, buffers.clients());
    }

    /** The scale test's crash: -max-clients 1000 at the default buffer needs 64 MiB, the JVM allowed 32. */
    @Test
    void moreClientsThanTheirBuffersFitAreCutToWhatFitsBesideTheMargin() {
        ClientBuffers buffers = ClientBuffers.plan(1000, 64 << 10, 16 << 10, 32 * MIB);

        long used = (long) buffers.clients() * (64 << 10) + (64 << 10) + (16 << 10);
        assertTrue(used <= 32 * MIB - 4 * MIB, "clients " + buffers.clients() + " use " + used);
        assertTrue(buffers.clients() > 400, "clients " + buffers.clients());
    }

    @Test
    void theMarginIsAnEighthOfTheLimitButAtLeastTwoMebibytes() {
        assertEquals((8 * MIB - 2 * MIB - 2048) / 1024, ClientBuffers.plan(100_000, 1024, 1024, 8 * MIB).clients());
        assertEquals((64 * MIB - 8 * MIB - 2048) / 1024, ClientBuffers.plan(100_000, 1024, 1024, 64 * MIB).clients());
    }

    @Test
    void oneClientIsKeptWhateverTheLimit() {
        assertEquals(1, ClientBuffers.plan(64, 64 << 10, 16 << 10, MIB).clients());
    }

    @Test
    void theLastMaxDirectMemorySizeArgumentCountsInEveryUnit() {
        assertEquals(Optional.of(100 * MIB), ClientBuffers.maxDirectMemorySize("-Xmx32m -XX:MaxDirectMemorySize=100m"));
        assertEquals(Optional.of(2L << 30), ClientBuffers.maxDirectMemorySize("-XX:MaxDirectMemorySize=1G "
                + "-XX:MaxDirectMemorySize=2g"));
        assertEquals(Optional.of(512L << 10), ClientBuffers.maxDirectMemorySize("-XX:MaxDirectMemorySize=512K"));
        assertEquals(Optional.of(123456L), ClientBuffers.maxDirectMemorySize("-XX:MaxDirectMemorySize=123456"));
        assertEquals(Optional.empty(), ClientBuffers.maxDirectMemorySize("-Xmx32m -jar memlogd.jar"));
        assertEquals(Optional.empty(), ClientBuffers.maxDirectMemorySize(""));
    }

    @Test
    void withoutTheOptionThisJvmsLimitIsItsMaximumHeap() {
        // Surefire starts this JVM without -XX:MaxDirectMemorySize.
        assertEquals(Runtime.getRuntime().maxMemory(), ClientBuffers.jvmDirectLimit());
    }
}

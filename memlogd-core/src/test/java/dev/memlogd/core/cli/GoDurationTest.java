package dev.memlogd.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class GoDurationTest {
    @Test
    void readsGoSpellings() {
        assertEquals(30_000_000_000L, GoDuration.parseNanos("30s"));
        assertEquals(90_000_000_000L, GoDuration.parseNanos("1m30s"));
        assertEquals(5_400_000_000_000L, GoDuration.parseNanos("1.5h"));
        assertEquals(500_000_000L, GoDuration.parseNanos("500ms"));
        assertEquals(2_000L, GoDuration.parseNanos("2us"));
        assertEquals(7L, GoDuration.parseNanos("7ns"));
        assertEquals(0L, GoDuration.parseNanos("0"));
        assertEquals(0L, GoDuration.parseNanos("0s"));
    }

    @Test
    void refusesWhatGoRefusesAndSigns() {
        for (String bad : new String[] {"", "30", "s", "1x", "1..5s", ".s", "-1s", "+1s", "1s2", "1 s"}) {
            assertThrows(IllegalArgumentException.class, () -> GoDuration.parseNanos(bad), bad);
        }
    }
}

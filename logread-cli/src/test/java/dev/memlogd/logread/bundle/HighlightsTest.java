package dev.memlogd.logread.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

class HighlightsTest {
    private static final int KERN_ERR = 3;
    private static final int KERN_CRIT = 2;
    private static final int USER_INFO = 8 | 6;

    @Test
    void keepsTheMostSevereThenTheLatestWithinCapacity() {
        Highlights highlights = new Highlights(3);
        highlights.offer(-1, "t1", "a", "f", "request failed");          // err by word, oldest
        highlights.offer(KERN_ERR, "t2", "kmsg", "f", "I/O error on sda");
        highlights.offer(USER_INFO, "t3", "b", "f", "all fine");          // info: not notable
        highlights.offer(KERN_CRIT, "t4", "kmsg", "f", "thermal trip");
        highlights.offer(-1, "t5", "a", "f", "ordinary line");
        highlights.offer(-1, "t6", "c", "f", "Timed out waiting for disk");
        List<String> kept = highlights.lines().stream().map(Highlights.Line::time).collect(Collectors.toList());
        assertEquals(List.of("t4", "t2", "t6"), kept,
                "crit first, then the error with a known level, then the latest guessed one; the oldest dropped");
        long[] expected = new long[8];
        expected[2] = 1;
        expected[3] = 3;
        assertArrayEquals(expected, highlights.countsByLevel(), "every notable line counted, kept or not");
    }

    @Test
    void cutsLongMessagesForThePage() {
        Highlights highlights = new Highlights(1);
        highlights.offer(KERN_ERR, "t", "kmsg", "f", "x".repeat(2000));
        assertEquals(Highlights.MAX_MESSAGE_CHARS + 1, highlights.lines().get(0).msg().length());
    }

    @Test
    void failureWordsMatchWholeWordsOnly() {
        assertEquals(3, Severity.of(-1, "mount: permission denied"));
        assertEquals(Severity.NONE, Severity.of(-1, "terror and errands"));
        assertEquals(6, Severity.of(USER_INFO, "error in an info line keeps its level"));
    }
}

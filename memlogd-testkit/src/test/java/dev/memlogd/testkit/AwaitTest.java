package dev.memlogd.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class AwaitTest {
    @Test
    void returnsTheFirstValueThatIsAccepted() {
        AtomicInteger polls = new AtomicInteger();

        int value = Await.awaitValue(polls::incrementAndGet, n -> n >= 3, "three polls");

        assertEquals(3, value);
    }

    @Test
    void failsAtTheDeadlineNamingWhatAndTheLastValue() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> Await.awaitValue(() -> 7, n -> n > 7, Duration.ofMillis(50), "more than seven"));

        assertTrue(e.getMessage().startsWith("not within 50 ms: more than seven"), e.getMessage());
        assertTrue(e.getMessage().endsWith("last value: 7"), e.getMessage());
    }

    @Test
    void conditionThatThrowsIsNotYetAndItsLastExceptionIsTheCause() {
        IOException failure = new IOException("not there");

        AssertionError e = assertThrows(AssertionError.class, () -> Await.await(() -> {
            throw failure;
        }, Duration.ofMillis(50), "something there"));

        assertSame(failure, e.getCause());
        assertTrue(e.getMessage().contains("last error: java.io.IOException: not there"), e.getMessage());
    }
}

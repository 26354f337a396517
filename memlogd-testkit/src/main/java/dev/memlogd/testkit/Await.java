package dev.memlogd.testkit;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * Waiting on a condition with a deadline: how the tests (and the load bench) wait for a
 * daemon, never by sleeping.
 *
 * <p>The daemon is another process, so there is nothing to block on for "line ingested"
 * or "fd closed"; the condition is polled. Between two polls the thread parks for
 * {@link #POLL_PAUSE}: that park only paces the poll (so a probe that starts a dump is not
 * run in a tight loop), it never stands in for the condition. A condition that throws
 * counts as false until the deadline; the last value and the last exception are in the
 * failure message.
 */
public final class Await {
    /** Pause between two evaluations of a condition (pacing only, see the class comment). */
    public static final Duration POLL_PAUSE = Duration.ofMillis(10);
    /** The default deadline: generous for a loaded CI machine, short enough to fail fast. */
    public static final Duration DEFAULT = Duration.ofSeconds(15);

    /** A condition that may fail with an exception (counted as "not yet"). */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    private Await() {
    }

    /**
     * Returns once {@code condition} holds.
     *
     * @throws AssertionError when it still does not hold at the deadline, naming {@code description}
     */
    public static void await(Condition condition, Duration deadline, String description) {
        awaitValue(() -> condition.holds(), ok -> ok, deadline, description);
    }

    /** {@link #await(Condition, Duration, String)} with the {@link #DEFAULT} deadline. */
    public static void await(Condition condition, String description) {
        await(condition, DEFAULT, description);
    }

    /**
     * Evaluates {@code probe} until its value satisfies {@code accepted}, and returns that value.
     *
     * @throws AssertionError at the deadline, with the last value (or exception) seen
     */
    public static <T> T awaitValue(Callable<T> probe, Predicate<? super T> accepted, Duration deadline,
            String description) {
        return awaitValue(probe, accepted, deadline, POLL_PAUSE, description);
    }

    /**
     * {@link #awaitValue(Callable, Predicate, Duration, String)} with another pause between
     * evaluations: a shorter one for a cheap probe of something that happens within microseconds,
     * awaited many times in a row.
     */
    public static <T> T awaitValue(Callable<T> probe, Predicate<? super T> accepted, Duration deadline, Duration pause,
            String description) {
        long end = System.nanoTime() + deadline.toNanos();
        T last = null;
        Exception lastError = null;
        while (true) {
            try {
                last = probe.call();
                lastError = null;
                if (accepted.test(last)) {
                    return last;
                }
            } catch (Exception e) {
                lastError = e;
            }
            if (System.nanoTime() - end >= 0) {
                AssertionError failure = new AssertionError("not within " + deadline.toMillis() + " ms: "
                        + description + (lastError != null ? "; last error: " + lastError
                                : "; last value: " + abbreviate(String.valueOf(last))));
                if (lastError != null) {
                    failure.initCause(lastError);
                }
                throw failure;
            }
            if (Thread.interrupted()) {
                throw new AssertionError("interrupted while waiting: " + description);
            }
            LockSupport.parkNanos(pause.toNanos());
        }
    }

    /** {@link #awaitValue} with the {@link #DEFAULT} deadline. */
    public static <T> T awaitValue(Callable<T> probe, Predicate<? super T> accepted, String description) {
        return awaitValue(probe, accepted, DEFAULT, description);
    }

    /**
     * Lets {@code window} of wall-clock time pass. Only for measuring something over a window
     * (CPU used while idle), never to wait for something to happen.
     */
    public static void measurementWindow(Duration window) {
        long end = System.nanoTime() + window.toNanos();
        for (long left = window.toNanos(); left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 2000 ? s : s.substring(0, 1000) + " ... " + s.substring(s.length() - 1000);
    }
}

package dev.memlogd.testkit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Stopping child processes (a daemon, a following logread) at the end of a test or run. */
public final class Processes {
    private Processes() {
    }

    /**
     * Stops {@code process} as init does at shutdown: SIGTERM, up to {@code grace} for it to
     * exit, then SIGKILL and up to {@code grace} again for the kill to be reaped.
     */
    public static void stop(Process process, Duration grace) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}

package dev.memlogd.testkit;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

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

    /**
     * Stops every process whose command line contains {@code marker} (a test's unique temp
     * directory): the way to reach a daemon a launcher started in the background, which is no
     * child of the test. SIGTERM to all, up to {@code grace} each to exit, then SIGKILL.
     */
    public static void stopAllMentioning(String marker, Duration grace) throws InterruptedException {
        List<ProcessHandle> ours = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .collect(Collectors.toList());
        for (ProcessHandle process : ours) {
            process.destroy();
        }
        for (ProcessHandle process : ours) {
            try {
                process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                process.destroyForcibly();
            }
        }
    }
}

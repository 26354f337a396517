package dev.memlogd.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;

import dev.memlogd.testkit.Await;
import dev.memlogd.testkit.ProcFs;

/**
 * Sending SIGSTOP, SIGCONT and SIGKILL to a process of a test, and seeing that it took effect
 * (the kernel's state letter of {@code /proc/PID/stat}). {@link Process} has no stop or
 * continue, and its {@code destroyForcibly} says nothing of when the kill landed.
 */
final class Signals {
    private Signals() {
    }

    /** Stops {@code pid} and returns once the kernel has stopped it (state {@code T}). */
    static void stop(long pid) throws IOException, InterruptedException {
        send("STOP", pid);
        Await.await(() -> state(pid) == 'T', "process " + pid + " stopped");
    }

    /** Continues a stopped {@code pid} and returns once it is no longer stopped. */
    static void cont(long pid) throws IOException, InterruptedException {
        send("CONT", pid);
        Await.await(() -> state(pid) != 'T', "process " + pid + " continued");
    }

    /** Kills {@code process} with SIGKILL and waits for it to be gone. */
    static void kill(Process process) throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(Await.DEFAULT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new AssertionError("process " + process.pid() + " still alive after SIGKILL");
        }
    }

    /** The state letter of {@code /proc/PID/stat} (R, S, D, T, Z ...). */
    static char state(long pid) throws IOException {
        String stat = Files.readString(ProcFs.file(pid, "stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }

    private static void send(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        if (!kill.waitFor(Duration.ofSeconds(10).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                || kill.exitValue() != 0) {
            throw new IOException("kill -" + signal + " " + pid + " failed");
        }
    }
}

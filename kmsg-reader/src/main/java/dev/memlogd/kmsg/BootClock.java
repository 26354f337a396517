package dev.memlogd.kmsg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Wall-clock time of a kernel record: boot time + the record's microseconds.
 *
 * <p>The kernel stamps records with its log clock, which like {@code CLOCK_MONOTONIC} stops
 * while the machine is suspended. So boot time is taken as wall clock now minus
 * {@code CLOCK_MONOTONIC} now ({@link System#nanoTime()}, which HotSpot reads from
 * {@code CLOCK_MONOTONIC} on Linux), computed afresh for every record: a record read soon after
 * it was logged gets the wall time it was logged at, across suspends (whose length
 * {@code CLOCK_BOOTTIME} and {@code /proc/uptime} would add) and wall-clock steps (NTP at boot).
 * A record logged before a suspend and read after it is off by the suspend's length, as with
 * {@code dmesg -T}. If {@code System.nanoTime()} does not count from boot (another JVM), the
 * uptime from {@code /proc/uptime} is used instead, as LinuxKit's kmsg does.
 */
final class BootClock {
    private final boolean monotonicFromBoot;

    BootClock() {
        this.monotonicFromBoot = nanoTimeCountsFromBoot();
    }

    /** The wall time, ns since the epoch, of a record stamped {@code usec} after boot. */
    long wallNanos(long usec) {
        return bootWallNanos() + usec * 1000;
    }

    /** Microseconds since boot on the kernel's log clock, now. */
    long nowUsec() {
        return sinceBootNanos() / 1000;
    }

    private long bootWallNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano() - sinceBootNanos();
    }

    private long sinceBootNanos() {
        return monotonicFromBoot ? System.nanoTime() : uptimeNanos();
    }

    private static boolean nanoTimeCountsFromBoot() {
        long uptime = uptimeNanos();
        long mono = System.nanoTime();
        // CLOCK_MONOTONIC <= CLOCK_BOOTTIME (equal but for suspends); /proc/uptime has 10 ms steps.
        return uptime > 0 && mono > 0 && mono <= uptime + 50_000_000L;
    }

    private static long uptimeNanos() {
        try {
            String[] f = Files.readString(Path.of("/proc/uptime")).trim().split("\\s+");
            return (long) (Double.parseDouble(f[0]) * 1e9);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}

package dev.memlogd.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Readings of a process from Linux's {@code /proc/PID}: CPU time, {@code status} values, open
 * fds, limits. For the daemon under test (another process) or this JVM
 * ({@link #SELF}). Each call reads the files afresh.
 */
public final class ProcFs {
    /** This JVM's pid. */
    public static final long SELF = ProcessHandle.current().pid();

    private ProcFs() {
    }

    /** {@code /proc/PID/FILE}. */
    public static Path file(long pid, String file) {
        return Path.of("/proc", Long.toString(pid), file);
    }

    /** utime + stime of process {@code pid}, all threads, in clock ticks ({@code /proc/PID/stat} fields 14, 15). */
    public static long cpuTicks(long pid) throws IOException {
        return cpuTicks(file(pid, "stat"));
    }

    /** utime + stime from a {@code stat} file: a process's, or a thread's ({@code /proc/PID/task/TID/stat}). */
    public static long cpuTicks(Path statFile) throws IOException {
        String stat = Files.readString(statFile);
        // Field 2, the command, is in parentheses and may contain spaces: count from after it.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /**
     * The number that a line of {@code /proc/PID/status} starting with {@code key} begins with
     * ({@code "Threads:"}: a count; {@code "VmHWM:"}, {@code "RssAnon:"}: kB).
     */
    public static long statusValue(long pid, String key) throws IOException {
        return firstNumberAfter(file(pid, "status"), key);
    }

    /** Open fds of process {@code pid} (entries of {@code /proc/PID/fd}; for {@link #SELF} including the listing's own). */
    public static int openFdCount(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(file(pid, "fd"))) {
            return (int) fds.count();
        }
    }

    /** Open fds of process {@code pid} and what each points at ({@code socket:[ino]}, a path, ...). */
    public static SortedMap<Integer, String> openFds(long pid) throws IOException {
        SortedMap<Integer, String> fds = new TreeMap<>();
        try (Stream<Path> links = Files.list(file(pid, "fd"))) {
            for (Path link : (Iterable<Path>) links::iterator) {
                try {
                    fds.put(Integer.parseInt(link.getFileName().toString()), Files.readSymbolicLink(link).toString());
                } catch (IOException e) {
                    // Closed since the listing.
                }
            }
        }
        return fds;
    }

    /** The soft limit of {@code /proc/PID/limits} line {@code name} (e.g. {@code "Max open files"}). */
    public static long softLimit(long pid, String name) throws IOException {
        return firstNumberAfter(file(pid, "limits"), name);
    }

    /** The first word after {@code key} on the first line of {@code file} that starts with it, as a number. */
    private static long firstNumberAfter(Path file, String key) throws IOException {
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
            }
        }
        throw new IOException("no " + key + " line in " + file);
    }
}

package dev.memlogd.logread.bundle;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The bundle's progress on one terminal line: entries and bytes read, then sources written.
 * Shown only when stderr is a terminal and the work has taken more than {@link #QUIET_NANOS}
 * (a quick bundle prints nothing), at most every {@link #EVERY_NANOS}; never on a pipe, a file or in a
 * script, whose output must stay clean. A library (progressbar and the like) would bring a
 * terminal library with it for one line of {@code \r}-rewritten text. Not thread-safe.
 */
final class Progress {
    static final long QUIET_NANOS = 1_000_000_000L;
    static final long EVERY_NANOS = 250_000_000L;

    private final PrintStream out;
    private final long start = System.nanoTime();
    private long last;
    private boolean shown;

    private Progress(PrintStream out) {
        this.out = out;
    }

    /** Progress on stderr if it is a terminal; else one that prints nothing. */
    static Progress onTerminal() {
        return new Progress(stderrIsTerminal() ? System.err : null);
    }

    /** A progress that prints nothing. */
    static Progress none() {
        return new Progress(null);
    }

    private static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (Exception e) {
            return false;
        }
    }

    void reading(long entries, long bytes) {
        show(() -> String.format(Locale.ROOT, "bundle: %,d entries, %s read", entries, size(bytes)));
    }

    void writing(int sourcesDone, int sources, long bytes) {
        show(() -> String.format(Locale.ROOT, "bundle: %,d of %,d sources written, %s", sourcesDone, sources,
                size(bytes)));
    }

    /** Ends the progress line, if one was shown. */
    void done() {
        if (shown) {
            out.print('\n');
            out.flush();
        }
    }

    private void show(java.util.function.Supplier<String> text) {
        if (out == null) {
            return;
        }
        long now = System.nanoTime();
        if (now - start < QUIET_NANOS || now - last < EVERY_NANOS) {
            return;
        }
        last = now;
        shown = true;
        out.print("\r\033[K" + text.get());
        out.flush();
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
}

package dev.memlogd.logwrite;

import java.io.PrintStream;
import java.util.HashSet;
import java.util.Set;

/**
 * logwrite's own messages, one line each on stderr ({@code logwrite: …}). LinuxKit's init hands
 * that stderr to memlogd as source {@code logwrite}, which logwrite itself skips (no loop).
 * States are said once when they begin ({@link #sayOnce}) and again when they end.
 */
final class Log {
    private final PrintStream err;
    private final Set<String> said = new HashSet<>();

    Log(PrintStream err) {
        this.err = err;
    }

    void say(String message) {
        err.println("logwrite: " + message);
        err.flush();
    }

    /** Says {@code message} the first time {@code key} is used, until {@link #clear} of that key. */
    void sayOnce(String key, String message) {
        if (said.add(key)) {
            say(message);
        }
    }

    /** Forgets {@code key}: the state it named is over. Returns whether it had been said. */
    boolean clear(String key) {
        return said.remove(key);
    }
}

package dev.memlogd.core.client;

import java.io.PrintStream;
import java.util.HashSet;
import java.util.Set;

/**
 * A client program's own messages, one line each on stderr ({@code <program>: …}). LinuxKit's
 * init hands that stderr to memlogd under the program's name. States are said once when they
 * begin ({@link #sayOnce}) and again when they end. One thread (the program's follower).
 */
public class ProgramLog {
    private final String program;
    private final PrintStream err;
    private final Set<String> said = new HashSet<>();

    /**
     * @param program the prefix of every line ({@code logwrite}, {@code memlogd-forward})
     * @param err     where the lines go; not closed
     */
    public ProgramLog(String program, PrintStream err) {
        this.program = program;
        this.err = err;
    }

    /** The program's name, as it prefixes every line. */
    public final String program() {
        return program;
    }

    public final void say(String message) {
        err.println(program + ": " + message);
        err.flush();
    }

    /** Says {@code message} the first time {@code key} is used, until {@link #clear} of that key. */
    public final void sayOnce(String key, String message) {
        if (said.add(key)) {
            say(message);
        }
    }

    /** Forgets {@code key}: the state it named is over. Returns whether it had been said. */
    public final boolean clear(String key) {
        return said.remove(key);
    }
}

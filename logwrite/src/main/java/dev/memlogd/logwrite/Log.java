package dev.memlogd.logwrite;

import java.io.PrintStream;

import dev.memlogd.core.client.ProgramLog;

/**
 * logwrite's own messages, one line each on stderr ({@code logwrite: …}). LinuxKit's init hands
 * that stderr to memlogd as source {@code logwrite}, which logwrite itself skips (no loop).
 */
final class Log extends ProgramLog {
    Log(PrintStream err) {
        super("logwrite", err);
    }
}

package dev.memlogd.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;

import dev.memlogd.core.client.LogStream;

/**
 * One thread copying a child's stdout or stderr, byte for byte as read, first to its
 * {@link LogStream} (memlogd) and then to a local stream, flushing each chunk. A failing
 * destination is dropped with one warning and the other one keeps being served; the child's
 * pipe is always drained to EOF, so the child never blocks on a destination that went away.
 * At EOF the log stream is closed (memlogd then sees EOF); the local stream is left open.
 */
final class StreamCopier extends Thread {
    private final String source;
    private final InputStream from;
    private final PrintWriter warnings;
    private LogStream toLog;
    private OutputStream toLocal;

    private StreamCopier(String source, InputStream from, LogStream toLog, OutputStream toLocal, PrintWriter warnings) {
        super("memlogd-exec-copy-" + source);
        this.source = source;
        this.from = from;
        this.toLog = toLog;
        this.toLocal = toLocal;
        this.warnings = warnings;
    }

    /** Starts copying {@code from} until EOF; {@code toLog} may be null (no memlogd). */
    static StreamCopier start(String source, InputStream from, LogStream toLog, OutputStream toLocal,
            PrintWriter warnings) {
        StreamCopier copier = new StreamCopier(source, from, toLog, toLocal, warnings);
        copier.start();
        return copier;
    }

    @Override
    public void run() {
        byte[] chunk = new byte[8192];
        try (InputStream in = from) {
            for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                writeToLog(chunk, n);
                writeLocally(chunk, n);
            }
        } catch (IOException e) {
            warn("reading the command's " + source + " output failed: " + e.getMessage());
        } finally {
            closeLog();
        }
    }

    private void writeToLog(byte[] chunk, int n) {
        if (toLog == null) {
            return;
        }
        try {
            toLog.write(chunk, 0, n);
        } catch (IOException e) {
            warn("memlogd stopped reading " + source + " (" + e.getMessage() + "); copying it locally only");
            closeLog();
        }
    }

    private void writeLocally(byte[] chunk, int n) {
        if (toLocal == null) {
            return;
        }
        try {
            toLocal.write(chunk, 0, n);
            toLocal.flush();
        } catch (IOException e) {
            // Our own stdout/stderr is gone (closed pipe): keep logging to memlogd silently.
            toLocal = null;
        }
    }

    private void closeLog() {
        if (toLog != null) {
            try {
                toLog.close();
            } catch (IOException e) {
                // Nothing left to tell memlogd.
            }
            toLog = null;
        }
    }

    private void warn(String message) {
        warnings.println("memlogd-exec: " + message);
        warnings.flush();
    }

    /** Writes {@code bytes} to {@code log} (if any) and closes it, ignoring failures. */
    static void writeAndClose(LogStream log, byte[] bytes) {
        if (log == null) {
            return;
        }
        try (LogStream closing = log) {
            closing.write(bytes, 0, bytes.length);
        } catch (IOException e) {
            // Best effort: the same message went to our stderr.
        }
    }
}

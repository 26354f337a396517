package dev.memlogd.logwrite;

import java.nio.charset.StandardCharsets;

import dev.memlogd.core.wire.LogwriteFormat;

/**
 * logwrite's own lines in the files it writes, in the files' format with source
 * {@code logwrite}: where lines may be missing (memlogd restarted, entries evicted before they
 * could be written, lines that could not be written), so that whoever reads a file after an
 * incident knows where it has holes and how big they are. Stateless.
 */
final class Markers {
    /** The source name of marker lines. */
    static final String SOURCE = "logwrite";

    private Markers() {
    }

    /** A marker line, newline included, as UTF-8. */
    static byte[] line(String time, String msg) {
        return LogwriteFormat.line(time, SOURCE, msg).getBytes(StandardCharsets.UTF_8);
    }
}

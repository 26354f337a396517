package dev.memlogd.forward;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import dev.memlogd.core.client.ResumePosition;
import dev.memlogd.core.logdir.AtomicFile;

/**
 * The forwarder's checkpoint, {@value #FILE_NAME} in its state directory: the daemon and the
 * last seq the collector is taken to have (docs/forwarding.md, "Delivery"). Replaced
 * atomically and durably ({@link AtomicFile}); a SIGKILL or a power cut leaves the old one or
 * the new one, so at worst entries are sent again, never skipped. Text:
 * <pre>
 * memlogd-forward-checkpoint 1
 * daemon 0c5e4a9e-…     ("-": none yet)
 * seq 1042              (-1: none)
 * </pre>
 */
final class ForwardCheckpoint {
    static final String FILE_NAME = "memlogd-forward.checkpoint";
    private static final String HEADER = "memlogd-forward-checkpoint 1";

    private ForwardCheckpoint() {
    }

    /** The checkpoint in {@code dir}, {@link ResumePosition#START} when there is none. @throws IOException unreadable or damaged */
    static ResumePosition read(Path dir) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(dir.resolve(FILE_NAME), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return ResumePosition.START;
        }
        Path where = dir.resolve(FILE_NAME);
        if (lines.size() != 3 || !lines.get(0).equals(HEADER) || !lines.get(1).startsWith("daemon ")
                || !lines.get(2).startsWith("seq ")) {
            throw new IOException(where + " is not a memlogd-forward checkpoint: " + lines);
        }
        String daemon = lines.get(1).substring("daemon ".length());
        try {
            return new ResumePosition(daemon.equals("-") ? null : daemon,
                    Long.parseLong(lines.get(2).substring("seq ".length())));
        } catch (NumberFormatException e) {
            throw new IOException(where + " is damaged: " + lines.get(2), e);
        }
    }

    static void write(Path dir, ResumePosition position) throws IOException {
        String text = HEADER + "\ndaemon " + (position.daemon() == null ? "-" : position.daemon()) + "\nseq "
                + position.seq() + "\n";
        AtomicFile.replace(dir, FILE_NAME, text.getBytes(StandardCharsets.UTF_8));
    }
}

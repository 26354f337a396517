package dev.memlogd.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code bin/memlogd-forward} as a real process ({@link ProgramProcess}). */
final class ForwarderProcess extends ProgramProcess {
    private ForwarderProcess(List<String> args) throws IOException {
        super("memlogd-forward", args);
    }

    /** Starts {@code bin/memlogd-forward -socket SOCKET -to TO -state-dir DIR -hostname test-vm FLAGS...}. */
    static ForwarderProcess start(Path socket, String to, Path stateDir, String... flags) throws IOException {
        List<String> args = new ArrayList<>(List.of("-socket", socket.toString(), "-to", to, "-state-dir",
                stateDir.toString(), "-hostname", "test-vm"));
        args.addAll(List.of(flags));
        return new ForwarderProcess(args);
    }
}

package dev.memlogd.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class QuerySocketOptionTest {
    @Test
    void takesEveryGoSpelling() {
        for (String[] args : new String[][] {
            {"-socket", "/a"}, {"--socket", "/a"}, {"-socket=/a"}, {"--socket=/a"}}) {
            ProbeCommand probe = new ProbeCommand();

            assertEquals(0, probe.run(args));

            assertEquals(Path.of("/a"), probe.socket.path(), String.join(" ", args));
        }
    }

    @Test
    void defaultsToLinuxKitsQuerySocket() {
        ProbeCommand probe = new ProbeCommand();

        probe.run();

        assertEquals(Path.of("/var/run/memlogdq.sock"), probe.socket.path());
    }
}

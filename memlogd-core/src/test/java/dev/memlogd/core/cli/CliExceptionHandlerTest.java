package dev.memlogd.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.memlogd.core.client.NoDaemonException;
import picocli.CommandLine;

class CliExceptionHandlerTest {
    @Test
    void noDaemonIsOneLineAndExit69() {
        ProbeCommand probe = new ProbeCommand();
        probe.toThrow = new NoDaemonException(Path.of("/x.sock"), "no such file", null);

        int code = probe.run();

        assertEquals(ExitCodes.NO_DAEMON, code);
        assertEquals("probe: no memlogd at /x.sock: no such file" + System.lineSeparator(), probe.err.toString());
    }

    @Test
    void otherIoErrorIsOneLineAndExit74() {
        ProbeCommand probe = new ProbeCommand();
        probe.toThrow = new IOException("Connection reset by peer");

        int code = probe.run();

        assertEquals(ExitCodes.IO_ERROR, code);
        assertEquals("probe: Connection reset by peer" + System.lineSeparator(), probe.err.toString());
    }

    @Test
    void bugsAreRethrownNotHidden() {
        CommandLine cl = new CommandLine(new ProbeCommand());
        IllegalStateException bug = new IllegalStateException("bug");

        assertThrows(IllegalStateException.class,
                () -> new CliExceptionHandler().handleExecutionException(bug, cl, null));
    }
}

package dev.memlogd.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;

import org.junit.jupiter.api.Test;

class GoFlagSyntaxTest {
    @Test
    void flagsAfterTheFirstArgumentBelongToIt() {
        ProbeCommand probe = new ProbeCommand();

        assertEquals(0, probe.run("-n", "x", "ls", "-la", "-f", "--help"));

        assertEquals("x", probe.name);
        assertFalse(probe.follow);
        assertEquals(List.of("ls", "-la", "-f", "--help"), probe.rest);
    }

    @Test
    void doubleDashEndsTheFlags() {
        ProbeCommand probe = new ProbeCommand();

        assertEquals(0, probe.run("--", "-f"));

        assertFalse(probe.follow);
        assertEquals(List.of("-f"), probe.rest);
    }

    @Test
    void atSignArgumentsAreNotExpandedAsFiles() {
        ProbeCommand probe = new ProbeCommand();

        assertEquals(0, probe.run("echo", "@/etc/hostname"));

        assertEquals(List.of("echo", "@/etc/hostname"), probe.rest);
    }

    @Test
    void singleLetterFlagsDoNotCluster() {
        assertEquals(ExitCodes.USAGE, new ProbeCommand().run("-fF"));
    }

    @Test
    void aFlagGivenTwiceTakesItsLastValue() {
        ProbeCommand probe = new ProbeCommand();

        assertEquals(0, probe.run("-socket", "/a.sock", "-n", "x", "--socket=/b.sock", "-n=y"));

        assertEquals(java.nio.file.Path.of("/b.sock"), probe.socket.path());
        assertEquals("y", probe.name);
    }
}

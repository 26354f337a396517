package dev.memlogd.forward;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class SourceGlobsTest {
    @Test
    void noGlobsForwardEverySource() {
        assertTrue(new SourceGlobs(List.of(), List.of()).forwards("anything"));
    }

    @Test
    void includeSelectsAndExcludeWins() {
        SourceGlobs globs = new SourceGlobs(List.of("onboot.*", "web?.out"), List.of("*.debug*"));

        assertTrue(globs.forwards("onboot.000-dhcpcd"));
        assertTrue(globs.forwards("web1.out"));
        assertFalse(globs.forwards("web12.out"));
        assertFalse(globs.forwards("onboot.x.debug"));
        assertFalse(globs.forwards("kmsg"));
    }

    @Test
    void regexCharactersInAGlobAreThemselves() {
        SourceGlobs globs = new SourceGlobs(List.of("a.(b)+[c]"), List.of());

        assertTrue(globs.forwards("a.(b)+[c]"));
        assertFalse(globs.forwards("ax(b)+[c]"));
    }
}

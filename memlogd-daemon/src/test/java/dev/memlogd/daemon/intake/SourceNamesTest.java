package dev.memlogd.daemon.intake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class SourceNamesTest {
    private static SourceNames.Name inspect(byte[] raw) {
        return SourceNames.inspect(raw, raw.length);
    }

    @Test
    void printableNameIsKeptAndNotUnusual() {
        byte[] raw = "onboot.sysctl;x/y ü".getBytes(StandardCharsets.UTF_8);

        SourceNames.Name name = inspect(raw);

        assertArrayEquals(raw, name.bytes());
        assertEquals("onboot.sysctl;x/y ü", name.printable());
        assertFalse(name.unusual());
    }

    @Test
    void controlCharactersAreKeptAsSentButFlagged() {
        byte[] raw = "a\nb\0c\u007f".getBytes(StandardCharsets.UTF_8);

        SourceNames.Name name = inspect(raw);

        assertArrayEquals(raw, name.bytes());
        assertEquals("a?b?c?", name.printable());
        assertTrue(name.unusual());
    }

    @Test
    void invalidUtf8IsKeptAsSentButFlagged() {
        byte[] raw = {'a', (byte) 0xe4, (byte) 0xb8, 'b'};

        SourceNames.Name name = inspect(raw);

        assertArrayEquals(raw, name.bytes());
        assertTrue(name.unusual());
    }

    @Test
    void onlyTheGivenLengthIsTheName() {
        SourceNames.Name name = SourceNames.inspect("abcdef".getBytes(StandardCharsets.UTF_8), 3);

        assertEquals("abc", name.printable());
        assertEquals(3, name.bytes().length);
    }
}

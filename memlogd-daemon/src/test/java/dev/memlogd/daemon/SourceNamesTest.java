package dev.memlogd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class SourceNamesTest {
    private static SourceNames.Name sanitize(byte[] raw) {
        return SourceNames.sanitize(raw, raw.length);
    }

    @Test
    void printableNameIsUnchanged() {
        byte[] raw = "onboot.sysctl;x/y ü".getBytes(StandardCharsets.UTF_8);

        SourceNames.Name name = sanitize(raw);

        assertEquals("onboot.sysctl;x/y ü", name.name());
        assertFalse(name.changed());
    }

    @Test
    void controlCharactersBecomeUnderscores() {
        SourceNames.Name name = sanitize("a\nb\0c\u007f".getBytes(StandardCharsets.UTF_8));

        assertEquals("a_b_c_", name.name());
        assertTrue(name.changed());
    }

    @Test
    void invalidUtf8BecomesReplacementCharacter() {
        SourceNames.Name name = sanitize(new byte[] {'a', (byte) 0xff, 'b'});

        assertEquals("a\ufffdb", name.name());
        assertTrue(name.changed());
    }

    @Test
    void emptyNameStaysEmpty() {
        SourceNames.Name name = sanitize(new byte[0]);

        assertEquals("", name.name());
        assertFalse(name.changed());
    }
}

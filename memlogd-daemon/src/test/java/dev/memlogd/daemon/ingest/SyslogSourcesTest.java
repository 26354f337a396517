package dev.memlogd.daemon.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SyslogSourcesTest {

    @Test
    void emptyFlagOptsNoSourceIn() {
        SyslogSources sources = SyslogSources.parse("");

        assertSame(SyslogSources.NONE, sources);
        assertTrue(sources.isNone());
        assertFalse(sources.appliesTo("kmsg".getBytes(UTF_8)));
        assertFalse(sources.appliesTo(new byte[0]));
    }

    @Test
    void namedSourcesAreMatchedByTheirExactBytes() {
        SyslogSources sources = SyslogSources.parse("kmsg,web.out,café");

        assertTrue(sources.appliesTo("kmsg".getBytes(UTF_8)));
        assertTrue(sources.appliesTo("web.out".getBytes(UTF_8)));
        assertTrue(sources.appliesTo("café".getBytes(UTF_8)));
        assertFalse(sources.appliesTo("web".getBytes(UTF_8)), "web.out's stderr is another source");
        assertFalse(sources.appliesTo("KMSG".getBytes(UTF_8)));
        assertFalse(sources.appliesTo("kmsg ".getBytes(UTF_8)));
        assertEquals("kmsg,web.out,café", sources.toString());
    }

    @Test
    void starAnywhereOptsEverySourceIn() {
        for (String flag : new String[] {"*", "kmsg,*", "*,"}) {
            SyslogSources sources = SyslogSources.parse(flag);

            assertSame(SyslogSources.ALL, sources, flag);
            assertTrue(sources.appliesTo(new byte[0]), flag);
            assertTrue(sources.appliesTo("anything".getBytes(UTF_8)), flag);
        }
    }

    @Test
    void emptyNamesBetweenCommasAreIgnored() {
        SyslogSources sources = SyslogSources.parse(",kmsg,,");

        assertEquals("kmsg", sources.toString());
        assertFalse(sources.appliesTo(new byte[0]));
        assertSame(SyslogSources.NONE, SyslogSources.parse(",,"));
    }
}

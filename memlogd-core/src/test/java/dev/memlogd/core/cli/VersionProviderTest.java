package dev.memlogd.core.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class VersionProviderTest {
    @Test
    void outsideAJarTheVersionIsDev() {
        assertArrayEquals(new String[] {"dev"}, new VersionProvider().getVersion());
    }
}

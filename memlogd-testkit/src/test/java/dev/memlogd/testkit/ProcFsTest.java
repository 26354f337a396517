package dev.memlogd.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ProcFsTest {
    @TempDir
    Path dir;

    @Test
    void cpuTicksAreUtimePlusStimeAfterACommandWithSpacesAndParentheses() throws IOException {
        // Fields 14 and 15 (utime, stime) are 30 and 12; the command "a) (b" has a space and parentheses.
        Path stat = Files.writeString(dir.resolve("stat"),
                "4242 (a) (b) S 1 4242 4242 0 -1 4194560 100 0 0 0 30 12 0 0 20 0 9 0 777 1000 10\n");

        long ticks = ProcFs.cpuTicks(stat);

        assertEquals(42, ticks);
    }

    @Test
    void openFdsOfThisJvmShowAFileItOpened() throws IOException {
        Path file = Files.writeString(dir.resolve("opened"), "x");
        int before = ProcFs.openFdCount(ProcFs.SELF);

        FileInputStream in = new FileInputStream(file.toFile());
        try {
            int during = ProcFs.openFdCount(ProcFs.SELF);

            assertEquals(before + 1, during);
            assertTrue(ProcFs.openFds(ProcFs.SELF).containsValue(file.toRealPath().toString()));
        } finally {
            in.close();
        }
    }

    @Test
    void statusAndLimitsOfThisJvmAreRead() throws IOException {
        assertTrue(ProcFs.statusValue(ProcFs.SELF, "Threads:") >= 1);
        assertTrue(ProcFs.softLimit(ProcFs.SELF, "Max open files") >= 1);
    }
}

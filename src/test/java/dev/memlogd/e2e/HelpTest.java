package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every program's --help, as a new user reads it: one style, nothing cut mid-word. */
class HelpTest {
    /** Each launcher and a default path its help must show whole. */
    private static final Map<String, String> PROGRAMS = Map.of(
            "memlogd", "/var/run/linuxkit-external-logging.sock",
            "logread", "/var/run/memlogdq.sock",
            "logwrite", "/var/run/memlogdq.sock",
            "kmsg-reader", "/run/kmsg-reader",
            "memlogd-forward", "/var/run/memlogdq.sock",
            "memlogd-exec", "/var/run/linuxkit-external-logging.sock");

    /** Issue 10: a default path broken across two lines; [-daemonize[=<daemonize>]] beside [-f[=BOOL]]. */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyProgramsHelpKeepsDefaultPathsWholeAndCallsEveryBooleanBool() throws Exception {
        for (Map.Entry<String, String> program : PROGRAMS.entrySet()) {
            Process process = new ProcessBuilder(DaemonProcess.bin(program.getKey()).toString(), "--help")
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .start();
            String help = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertEquals(0, process.waitFor(), help);
            assertTrue(help.contains(program.getValue()), program.getKey() + ":\n" + help);
            assertFalse(help.contains("=<"), program.getKey() + " has a placeholder other than a label:\n" + help);
            for (String line : List.of(help.split("\n"))) {
                assertTrue(line.length() <= 100, program.getKey() + ": a line over 100 columns: " + line);
            }
        }
    }
}

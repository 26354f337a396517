package dev.memlogd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.memlogd.core.cli.FastFlags;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The fast path to bind ({@link MemlogdCommand#parseFast}) must read a command line exactly as picocli does. */
class MemlogdCommandTest {

    /** Every option field's value, by field name. */
    private static String values(MemlogdCommand command) throws IllegalAccessException {
        List<String> values = new ArrayList<>();
        for (Field field : MemlogdCommand.class.getDeclaredFields()) {
            if (field.isAnnotationPresent(CommandLine.Option.class)) {
                field.setAccessible(true);
                values.add(field.getName() + "=" + field.get(command));
            }
        }
        return String.join(" ", values);
    }

    private static String picocli(String... args) throws IllegalAccessException {
        MemlogdCommand command = new MemlogdCommand();
        new CommandLine(command).parseArgs(args);
        return values(command);
    }

    private static String fast(String... args) throws IllegalAccessException {
        MemlogdCommand command = new MemlogdCommand();
        assertTrue(command.parseFast(args), "fast path refused " + List.of(args));
        return values(command);
    }

    @Test
    void everyFlagOfPicocliIsReadTheSameWayByTheFastPath() throws Exception {
        for (OptionSpec option : new CommandLine(new MemlogdCommand()).getCommandSpec().options()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            for (String name : option.names()) {
                String value = option.type() == boolean.class ? "true"
                        : option.type() == java.nio.file.Path.class ? "/run/x.sock" : "4097";
                if (option.type() == boolean.class) {
                    // Go reads "-daemonize true" as the flag and an argument; left to picocli.
                    assertEquals(picocli(name), fast(name), name);
                } else {
                    assertEquals(picocli(name, value), fast(name, value), name + " " + value);
                }
                assertEquals(picocli(name + "=" + value), fast(name + "=" + value), name + "=" + value);
            }
        }
    }

    @Test
    void ordinaryCommandLinesGiveTheSameFlags() throws Exception {
        String[][] lines = {
            {},
            {"-daemonize"},
            {"--daemonize=false", "-no-console=1"},
            {"-socket-log", "/run/a", "--socket-query=/run/b", "-max-lines", "7", "-max-lines", "9"},
            {"-fd-log", "3", "-fd-query=4", "-max-bytes", "65536", "-mode-timeout", "-1"},
            {"-client-wait", "0", "-no-console", "-ready-fd=3", "-read-chunk", "100"},
            {"-syslog-prefix", "kmsg,web.out", "--syslog-prefix=*"},
            {"-syslog-prefix="},
        };
        for (String[] line : lines) {
            assertEquals(picocli(line), fast(line), List.of(line).toString());
        }
    }

    @Test
    void anythingUnusualIsLeftToPicocli() {
        String[][] lines = {
            {"--help"}, {"-h"}, {"--version"}, {"-V"}, {"-max-lines"}, {"-max-lines", "0x10"},
            {"-max-lines", "99999999999"}, {"-daemonize=yes"}, {"-nope"}, {"positional"}, {"-"},
            {"--", "-daemonize"}, {"-socket-log="}, {"-syslog-prefix", "-max-lines"}, {"-syslog-prefix"},
        };
        for (String[] line : lines) {
            assertFalse(new MemlogdCommand().parseFast(line), List.of(line).toString());
        }
    }

    @Test
    void valuesOutOfRangeAreFoundBeforeBinding() {
        MemlogdCommand command = new MemlogdCommand();
        assertTrue(command.parseFast(new String[] {"-max-lines", "0"}));

        assertEquals("-max-lines must be at least 1: 0", command.problem());
    }

    @Test
    void indexTheBuildWroteIntoTheJarIsTheOneTheOptionsMakeNow() {
        FastFlags.Index built = FastFlags.Index.load(MemlogdCommand.class);

        assertNotNull(built, "no index in target/classes: the build's fast-flags-index step did not run");
        assertEquals(FastFlags.Index.of(MemlogdCommand.class), built);
    }

    /** Issue 10: memlogd started with one path for both sockets, and could never receive an fd. */
    @Test
    void oneSocketPathForBothSocketsIsABadCommandLine() {
        java.io.StringWriter err = new java.io.StringWriter();
        CommandLine cl = new CommandLine(new MemlogdCommand());
        cl.setErr(new java.io.PrintWriter(err));

        int exit = cl.execute("-socket-log", "/run/x.sock", "-socket-query", "/run/../run/x.sock");

        assertEquals(2, exit);
        assertTrue(err.toString().contains("-socket-log and -socket-query must be two paths"), err.toString());
    }
}

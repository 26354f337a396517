package dev.memlogd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.memlogd.core.cli.GoBoolean;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * The sh fragment {@code bin/memlogd} sources ({@link LauncherFlags}) must say what the daemon
 * itself reads: run by a real {@code sh}, checked against a fresh {@link MemlogdCommand} and
 * picocli's reading of each argument.
 */
@Timeout(30)
class LauncherFlagsTest {
    @TempDir
    Path dir;

    /** Writes the fragment as the build does, sources it in sh, runs {@code script}; stdout's lines. */
    private List<String> sourceAndRun(String script, List<String> args) throws IOException, InterruptedException {
        Path fragment = dir.resolve("memlogd-flags.sh");
        LauncherFlags.main(new String[] {fragment.toString()});
        List<String> command = new ArrayList<>(List.of("sh", "-euc", ". \"$1\"; shift; " + script, "sh",
                fragment.toString()));
        command.addAll(args);
        Process sh = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(sh.waitFor(10, TimeUnit.SECONDS), "sh still running");
        assertEquals(0, sh.exitValue(), output + "\n" + Files.readString(fragment));
        return output.lines().toList();
    }

    @Test
    void defaultsAreTheFieldInitialisersOfTheCommand() throws Exception {
        MemlogdCommand fresh = new MemlogdCommand();

        List<String> output = sourceAndRun("echo \"$max_bytes_default $max_lines_default $daemonize_default\"",
                List.of());

        assertEquals(List.of(fresh.maxBytes + " " + fresh.maxLines + " " + (fresh.daemonize ? "yes" : "no")),
                output);
    }

    @Test
    void daemonizeFlagReadsEachArgumentAsTheDaemonDoes() throws Exception {
        List<String> args = new ArrayList<>();
        for (String name : new CommandLine(new MemlogdCommand()).getCommandSpec().findOption("-daemonize").names()) {
            args.add(name);
            List<String> values = new ArrayList<>(GoBoolean.TRUE_SPELLINGS);
            values.addAll(GoBoolean.FALSE_SPELLINGS);
            values.addAll(List.of("", "yes", "no", "tRUE", "2"));
            for (String value : values) {
                args.add(name + "=" + value);
            }
        }
        args.addAll(List.of("-daemonizes", "daemonize", "---daemonize", "-no-console", "-socket-log=-daemonize"));
        List<String> expected = new ArrayList<>();
        for (String arg : args) {
            expected.add(arg + " -> " + daemonReads(arg));
        }

        List<String> output = sourceAndRun(
                "for arg in \"$@\"; do daemonize=unchanged; daemonize_flag \"$arg\"; echo \"$arg -> $daemonize\"; done",
                args);

        assertEquals(expected, output);
    }

    /** yes or no when picocli reads {@code arg} as -daemonize with that value, else unchanged. */
    private static String daemonReads(String arg) {
        MemlogdCommand command = new MemlogdCommand();
        try {
            ParseResult result = new CommandLine(command).parseArgs(arg);
            return !result.hasMatchedOption("-daemonize") ? "unchanged" : command.daemonize ? "yes" : "no";
        } catch (CommandLine.ParameterException e) {
            return "unchanged";
        }
    }
}

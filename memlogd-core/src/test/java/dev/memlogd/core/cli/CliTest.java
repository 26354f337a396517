package dev.memlogd.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class CliTest {
    @Command(name = "probe", modelTransformer = GoFlagSyntax.class, mixinStandardHelpOptions = true)
    static class Probe implements Runnable {
        @Option(names = {"-zz-count", "--zz-count"})
        int count;

        @Override
        public void run() {
        }
    }

    private static String[] errorLines(String... args) {
        CommandLine cl = Cli.commandLine(new Probe());
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));

        assertEquals(2, cl.execute(args));
        return err.toString().split("\n");
    }

    @Test
    void badCommandLineIsOneLineAndAHintNotTheWholeUsage() {
        String[] lines = errorLines("-zz-bogus");

        assertEquals(2, lines.length, String.join("\n", lines));
        assertEquals("Try 'probe --help' for more information.", lines[1]);
    }

    /** Issue 10: "-max-lines abc" was reported as '--max-lines'. */
    @Test
    void badValueNamesTheFlagAsTheUserSpelledIt() {
        assertEquals("probe: Invalid value for option '-zz-count': 'abc' is not an int", errorLines("-zz-count", "abc")[0]);
        assertEquals("probe: Invalid value for option '--zz-count': 'abc' is not an int",
                errorLines("--zz-count=abc")[0]);
    }
}

package dev.memlogd.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class ManPageTest {
    @Command(name = "probe", modelTransformer = GoFlagSyntax.class, mixinStandardHelpOptions = true,
            version = "probe 1.2", description = "Probes things. Then more text follows here.",
            exitCodeListHeading = "Exit codes:%n", exitCodeList = {"0:fine", "2:bad command line"})
    static class Probe implements Runnable {
        @Option(names = {"-zz-path", "--zz-path"}, paramLabel = "PATH", description = "A path (default: ${DEFAULT-VALUE}).")
        String path = ".hidden\\dir";

        @Override
        public void run() {
        }
    }

    @Test
    void pageHasTheSectionsOfHelpInTroff() {
        String page = ManPage.troff(new Probe());

        assertTrue(page.startsWith(".TH PROBE 1 \"\" \"probe 1.2\" \"User Commands\"\n"), page);
        assertTrue(page.contains(".SH NAME\nprobe \\- Probes things.\n"), page);
        assertTrue(page.contains("\\-zz\\-path"), "options, with troff's minus: " + page);
        assertTrue(page.contains("(default: .hidden\\edir)"), "defaults, backslash escaped: " + page);
        assertTrue(page.contains(".SH EXIT STATUS\n.nf\n"), page);
        assertTrue(page.contains("bad command line"), page);
    }

    @Test
    void lineThatWouldStartWithAControlCharacterIsEscaped() {
        assertEquals("\\&.not a request\n\\&'nor this\nplain", ManPage.escapeLines(".not a request\n'nor this\nplain"));
    }
}

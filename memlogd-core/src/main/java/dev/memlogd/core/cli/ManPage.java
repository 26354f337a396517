package dev.memlogd.core.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import picocli.CommandLine;
import picocli.CommandLine.Help;

/**
 * A program's man page, troff for {@code man(1)}, from the same picocli model as its
 * {@code --help}: name, synopsis, description, options, exit status. So the page and the
 * program cannot disagree. (picocli's own generator writes AsciiDoc, which would need another
 * tool to become troff.) The distribution build runs {@link #main} for each program.
 */
public final class ManPage {
    private ManPage() {
    }

    /** Arguments: the output file, then the command class. */
    public static void main(String[] args) throws Exception {
        Object command = Class.forName(args[1]).getDeclaredConstructor().newInstance();
        Files.writeString(Path.of(args[0]), troff(command), StandardCharsets.UTF_8);
    }

    /** The man page of {@code command} (an instance of a picocli {@code @Command} class). */
    public static String troff(Object command) {
        CommandLine cl = Cli.commandLine(command);
        cl.setColorScheme(Help.defaultColorScheme(Help.Ansi.OFF));
        Help help = cl.getHelp();
        String name = cl.getCommandName();
        String[] version = cl.getCommandSpec().version();
        String description = help.description().strip();
        String summary = description.contains(". ") ? description.substring(0, description.indexOf(". ") + 1)
                : description;
        StringBuilder page = new StringBuilder();
        page.append(".TH ").append(name.toUpperCase(java.util.Locale.ROOT)).append(" 1 \"\" \"")
                .append(escape(version.length > 0 ? version[0] : "")).append("\" \"User Commands\"\n");
        page.append(".SH NAME\n").append(escape(name)).append(" \\- ").append(escape(summary.replace("\n", " ")))
                .append('\n');
        section(page, "SYNOPSIS", help.synopsis(0));
        page.append(".SH DESCRIPTION\n").append(escapeLines(description.replaceAll("\\s*\\n\\s*", " "))).append('\n');
        section(page, "OPTIONS", help.optionList());
        section(page, "EXIT STATUS", help.exitCodeList());
        page.append(".SH SEE ALSO\n").append("memlogd(1), logread(1), logwrite(1), kmsg\\-reader(1), memlogd\\-exec(1)\n");
        return page.toString();
    }

    /** A section whose text keeps picocli's layout (a preformatted block). */
    private static void section(StringBuilder page, String title, String text) {
        if (text.isBlank()) {
            return;
        }
        page.append(".SH ").append(title).append('\n').append(".nf\n").append(escapeLines(text.stripTrailing()))
                .append("\n.fi\n");
    }

    /** Escapes text for troff, and a line that would start with a control character. */
    static String escapeLines(String text) {
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            String escaped = escape(line);
            if (escaped.startsWith(".") || escaped.startsWith("'")) {
                out.append("\\&");
            }
            out.append(escaped).append('\n');
        }
        return out.substring(0, out.length() - 1);
    }

    static String escape(String text) {
        return text.replace("\\", "\\e").replace("-", "\\-");
    }
}

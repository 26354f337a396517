package dev.memlogd.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.memlogd.core.cli.GoBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Writes what {@code bin/memlogd} must know of the daemon's flags before it starts a JVM, as a
 * POSIX sh fragment it sources: the defaults of {@code -max-bytes} and {@code -max-lines}
 * (which size the heap) and of {@code -daemonize}, and a function telling which arguments turn
 * {@code -daemonize} on or off. Everything comes from {@link MemlogdCommand}'s picocli options
 * and {@link GoBoolean}, so the launcher copies none of it. The build runs this at package
 * time: {@code java -cp memlogd.jar dev.memlogd.daemon.LauncherFlags target/memlogd-flags.sh}.
 *
 * <p>The fragment defines {@code max_bytes_default}, {@code max_lines_default},
 * {@code daemonize_default} ({@code yes} or {@code no}), {@code daemonize_flag ARG}, which
 * sets {@code daemonize} to {@code yes} or {@code no} when ARG is {@code -daemonize} in a form
 * the daemon reads as true or false, and leaves it alone otherwise, and {@code path_flag NAME},
 * true for the names of path-valued flags (made absolute before a daemon leaves its directory).
 */
public final class LauncherFlags {
    private LauncherFlags() {
    }

    /** Writes the fragment to the file named by the only argument. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: LauncherFlags OUTPUT.sh; got " + List.of(args));
        }
        Files.writeString(Path.of(args[0]), fragment(), StandardCharsets.UTF_8);
    }

    /** The fragment, from a fresh {@link MemlogdCommand}'s options. */
    static String fragment() {
        CommandSpec spec = new CommandLine(new MemlogdCommand()).getCommandSpec();
        OptionSpec daemonize = spec.findOption("-daemonize");
        List<String> on = new ArrayList<>();
        List<String> off = new ArrayList<>();
        for (String name : daemonize.names()) {
            (goBoolean(daemonize.fallbackValue()) ? on : off).add(word(name));
            for (String spelling : GoBoolean.TRUE_SPELLINGS) {
                on.add(word(name + "=" + spelling));
            }
            for (String spelling : GoBoolean.FALSE_SPELLINGS) {
                off.add(word(name + "=" + spelling));
            }
        }
        return "# What bin/memlogd needs of memlogd's flags, written at package time from the daemon's\n"
                + "# picocli options by dev.memlogd.daemon.LauncherFlags; bin/memlogd sources it.\n"
                + "max_bytes_default=" + number(spec.findOption("-max-bytes")) + "\n"
                + "max_lines_default=" + number(spec.findOption("-max-lines")) + "\n"
                + "daemonize_default=" + yesNo((Boolean) daemonize.initialValue()) + "\n"
                + "# daemonize_flag ARG: sets daemonize to yes or no if ARG turns -daemonize on or off.\n"
                + "daemonize_flag() {\n"
                + "    case \"$1\" in\n"
                + "        " + String.join("|", on) + ") daemonize=yes ;;\n"
                + "        " + String.join("|", off) + ") daemonize=no ;;\n"
                + "    esac\n"
                + "}\n"
                + "# path_flag NAME: true if NAME is a flag whose value is a path.\n"
                + "path_flag() {\n"
                + "    case \"$1\" in\n"
                + "        " + String.join("|", pathFlags(spec)) + ") return 0 ;;\n"
                + "    esac\n"
                + "    return 1\n"
                + "}\n";
    }

    /** The names of every option whose value is a path. */
    private static List<String> pathFlags(CommandSpec spec) {
        List<String> names = new ArrayList<>();
        for (OptionSpec option : spec.options()) {
            if (option.type() == java.nio.file.Path.class) {
                for (String name : option.names()) {
                    names.add(word(name));
                }
            }
        }
        return names;
    }

    private static boolean goBoolean(String value) {
        Boolean b = GoBoolean.parse(value);
        if (b == null) {
            throw new IllegalStateException("-daemonize's fallback value is not a Go boolean: " + value);
        }
        return b;
    }

    private static String yesNo(boolean b) {
        return b ? "yes" : "no";
    }

    /** The option's default as a shell word of digits. */
    private static String number(OptionSpec option) {
        String value = String.valueOf((Object) option.initialValue());
        if (!value.matches("[0-9]+")) {
            throw new IllegalStateException(option.longestName() + "'s default is not a plain number: " + value);
        }
        return value;
    }

    /** {@code s} unquoted in a case pattern: only characters that stand for themselves there. */
    private static String word(String s) {
        if (!s.matches("[A-Za-z0-9=-]+")) {
            throw new IllegalStateException("not a plain shell word: " + s);
        }
        return s;
    }
}

package dev.memlogd.core.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * One way every program of this project sets up picocli: UTF-8 output whatever the locale,
 * known failures as one line ({@link CliExceptionHandler}), and a bad command line as one line
 * plus a hint, not the whole usage (a 68-line answer to a typo buries the one that matters),
 * naming the flag as the user spelled it ({@code -max-lines}, not picocli's {@code --max-lines}).
 */
public final class Cli {
    /** Columns of --help: the longest default path with its option on one line. */
    static final int USAGE_WIDTH = 100;

    private Cli() {
    }

    /** A CommandLine for {@code command}, writing to this process's stdout and stderr. */
    public static CommandLine commandLine(Object command) {
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
        cl.setExecutionExceptionHandler(new CliExceptionHandler());
        cl.setParameterExceptionHandler(Cli::usageError);
        // 80 columns cut default paths mid-word (/var/run/linuxkit-external-logging. / sock).
        cl.setUsageHelpWidth(USAGE_WIDTH);
        return cl;
    }

    /**
     * {@code <program>: <what is wrong>} and {@code Try '<program> --help' for more information.}
     *
     * @return picocli's exit code for invalid input (2)
     */
    static int usageError(ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println(cl.getCommandName() + ": " + asTyped(e.getMessage(), e.getArgSpec(), args));
        err.println("Try '" + cl.getCommandName() + " --help' for more information.");
        err.flush();
        return cl.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** {@code message} with the option's name as it appears in {@code args}, where picocli chose another. */
    static String asTyped(String message, ArgSpec spec, String[] args) {
        if (!(spec instanceof OptionSpec option) || message == null) {
            return message;
        }
        String typed = null;
        for (String arg : args) {
            for (String name : option.names()) {
                if (arg.equals(name) || arg.startsWith(name + "=")) {
                    typed = name;
                }
            }
        }
        if (typed == null) {
            return message;
        }
        for (String name : List.of(option.names())) {
            if (!name.equals(typed) && message.contains("'" + name + "'")) {
                return message.replace("'" + name + "'", "'" + typed + "'");
            }
        }
        return message;
    }
}

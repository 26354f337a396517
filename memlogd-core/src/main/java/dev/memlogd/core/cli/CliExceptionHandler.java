package dev.memlogd.core.cli;

import java.io.IOException;
import java.io.PrintWriter;

import dev.memlogd.core.client.NoDaemonException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns the failures a user can cause or fix (no daemon, permission denied, a connection that
 * breaks) into one line on the command's error writer and a named exit code, without a stack
 * trace:
 * <ul>
 *   <li>{@link NoDaemonException}: {@code "<command>: no memlogd at <path>: <reason>"},
 *       {@link ExitCodes#NO_DAEMON};</li>
 *   <li>any other {@link IOException}: {@code "<command>: <message>"}, {@link ExitCodes#IO_ERROR}.</li>
 * </ul>
 * Anything else is a bug and is rethrown, so picocli prints its stack trace.
 *
 * <p>Install it with {@link CommandLine#setExecutionExceptionHandler}; a command that must give
 * the same result when run through a bare {@code new CommandLine(command)} (tests) calls
 * {@link #report} from its own {@code call()}. Stateless and thread-safe.
 */
public final class CliExceptionHandler implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult parseResult)
            throws Exception {
        if (ex instanceof IOException) {
            return report((IOException) ex, commandLine);
        }
        throw ex;
    }

    /**
     * Prints {@code e} as one line on {@code commandLine}'s error writer.
     *
     * @return {@link ExitCodes#NO_DAEMON} for a {@link NoDaemonException}, else {@link ExitCodes#IO_ERROR}
     */
    public static int report(IOException e, CommandLine commandLine) {
        PrintWriter err = commandLine.getErr();
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        err.println(commandLine.getCommandName() + ": " + message);
        err.flush();
        return e instanceof NoDaemonException ? ExitCodes.NO_DAEMON : ExitCodes.IO_ERROR;
    }
}

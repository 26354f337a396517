package dev.memlogd.core.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** A small command using the shared CLI pieces, run with StringWriters. */
@Command(name = "probe", modelTransformer = GoFlagSyntax.class)
final class ProbeCommand implements Callable<Integer> {
    @Mixin
    QuerySocketOption socket;

    @Option(names = {"-f", "--f"}, arity = "0..1", fallbackValue = "true", converter = GoBoolean.class)
    boolean follow;

    @Option(names = {"-F", "--F"}, arity = "0..1", fallbackValue = "true", converter = GoBoolean.class)
    boolean dumpFollow;

    @Option(names = {"-n", "--n"})
    String name;

    @Parameters
    List<String> rest = new ArrayList<>();

    Exception toThrow;

    final StringWriter err = new StringWriter();

    @Override
    public Integer call() throws Exception {
        if (toThrow != null) {
            throw toThrow;
        }
        return ExitCodes.OK;
    }

    /** Runs this command with the shared exception handler; stderr lands in {@link #err}. */
    int run(String... args) {
        CommandLine cl = new CommandLine(this);
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionExceptionHandler(new CliExceptionHandler());
        return cl.execute(args);
    }
}

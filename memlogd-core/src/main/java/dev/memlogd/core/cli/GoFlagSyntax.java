package dev.memlogd.core.cli;

import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Makes picocli parse a command line the way Go's {@code flag} package does, for the programs
 * that stand in for LinuxKit's Go tools: {@code @Command(modelTransformer = GoFlagSyntax.class)}.
 * <ul>
 *   <li>Parsing stops at the first argument that is not an option (or after {@code --}): the
 *       rest belongs to the command being wrapped ({@code memlogd-exec -n x ls -la}).</li>
 *   <li>No clustering of single-letter flags ({@code -fF} is not {@code -f -F}), as in Go.</li>
 *   <li>No {@code @file} expansion: an argument starting with {@code @} is just an argument.</li>
 *   <li>A flag given twice takes its last value ({@code -socket a -socket b} is {@code b}), as Go's
 *       {@code flag.Set} does; picocli would refuse it. Repeatable options still collect every value.</li>
 * </ul>
 * Go's {@code -flag=value} and {@code -flag value} are picocli's defaults; give every option both
 * {@code -flag} and {@code --flag} names, and boolean options {@code arity = "0..1"} with
 * {@link GoBoolean}. Applied once when the {@code CommandLine} is built, so
 * {@code new CommandLine(command)} gets it too.
 */
public final class GoFlagSyntax implements IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec spec) {
        spec.parser()
                .stopAtPositional(true)
                .posixClusteredShortOptionsAllowed(false)
                .overwrittenOptionsAllowed(true)
                .expandAtFiles(false);
        return spec;
    }
}

package dev.memlogd.core.cli;

import java.nio.file.Path;

import dev.memlogd.core.wire.LinuxKit;
import picocli.CommandLine.Option;

/**
 * Picocli mixin for LinuxKit's {@code -socket} flag of the query clients ({@code logread},
 * {@code logwrite}): the daemon's query socket. Both {@code -socket} and {@code --socket} are
 * accepted, with {@code =value} or a separate value, as Go's {@code flag} package does.
 *
 * <pre>
 * &#64;Mixin QuerySocketOption socket;
 * ... QueryClient.open(socket.path(), ...)
 * </pre>
 */
public final class QuerySocketOption {
    @Option(names = {"-socket", "--socket"}, paramLabel = "PATH",
            description = "memlogd's query socket (default: ${DEFAULT-VALUE}).")
    Path path = Path.of(LinuxKit.DEFAULT_QUERY_SOCKET);

    /** The query socket given on the command line, or LinuxKit's default. */
    public Path path() {
        return path;
    }
}

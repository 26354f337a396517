import java.io.FileInputStream;
import java.nio.file.Path;

import dev.memlogd.core.client.FdSender;

/**
 * The boot test's stand-in for the part of LinuxKit's init that hands a service's output FIFO to
 * memlogd: opens the FIFO's read end (which waits for the service to open its write end), sends
 * it to memlogd's log socket under a source name, and closes its own copy, so memlogd is the
 * only reader. Usage: FifoHandoff LOG-SOCKET NAME FIFO (compiled by vm/boot-test against a jar).
 */
public final class FifoHandoff {
    public static void main(String[] args) throws Exception {
        try (FileInputStream fifo = new FileInputStream(args[2])) {
            FdSender.send(Path.of(args[0]), args[1], fifo.getFD());
        }
    }
}

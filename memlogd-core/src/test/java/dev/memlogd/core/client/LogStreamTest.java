package dev.memlogd.core.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketPair;

import dev.memlogd.testkit.LogSocketStandIn;
import dev.memlogd.testkit.ProcFs;

@Timeout(30)
class LogStreamTest {
    @TempDir
    Path dir;

    @Test
    void daemonReadsWhatIsWrittenUnderTheNameUntilClose() throws IOException {
        Path path = dir.resolve("log.sock");
        try (LogSocketStandIn receiver = LogSocketStandIn.bind(path)) {
            byte[] bytes = "one\ntwo".getBytes(StandardCharsets.UTF_8);
            try (LogStream stream = LogStream.open(path, "svc.out")) {
                stream.write(bytes, 0, bytes.length);
            }

            LogSocketStandIn.Datagram datagram = receiver.receive();

            assertEquals("svc.out", datagram.name());
            assertEquals(1, datagram.fds().length);
            assertEquals("one\ntwo", LogSocketStandIn.readText(datagram.fds()[0]));
        }
    }

    @Test
    void missingSocketIsNoDaemonAndLeavesNoFdOfOursOpen() throws IOException {
        Path missing = dir.resolve("missing.sock");
        // Warm up: junixsocket's first use loads its native library (and may keep its jar open).
        assertThrows(NoDaemonException.class, () -> LogStream.open(missing, "warm-up"));
        // junixsocket 2.11.1's AFUNIXSocketPair.open() leaks two unconnected sockets of its own
        // (each channel's initial socket(2), replaced by the socketpair's fds without a close).
        int junixsocketLeak = fdsLeakedBy(() -> {
            AFUNIXSocketPair<AFUNIXSocketChannel> pair = AFUNIXSocketPair.open();
            pair.getSocket1().close();
            pair.getSocket2().close();
        });

        int leaked = fdsLeakedBy(() -> {
            NoDaemonException e = assertThrows(NoDaemonException.class, () -> LogStream.open(missing, "x"));
            assertEquals(missing, e.socket());
        });

        assertEquals(junixsocketLeak, leaked, "fds left open beyond junixsocket's own leak");
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static int fdsLeakedBy(IoAction action) throws IOException {
        int before = ProcFs.openFdCount(ProcFs.SELF);
        action.run();
        return ProcFs.openFdCount(ProcFs.SELF) - before;
    }
}

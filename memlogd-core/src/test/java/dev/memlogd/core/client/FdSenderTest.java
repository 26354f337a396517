package dev.memlogd.core.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketPair;

import dev.memlogd.testkit.LogSocketStandIn;
import dev.memlogd.testkit.UnsentPair;

@Timeout(30)
class FdSenderTest {
    @TempDir
    Path dir;
    private Path path;
    private LogSocketStandIn receiver;

    @BeforeEach
    void bind() throws IOException {
        path = dir.resolve("log.sock");
        receiver = LogSocketStandIn.bind(path);
    }

    @AfterEach
    void close() throws IOException {
        receiver.close();
    }

    @Test
    void sendsTheNameAsPayloadAndAReadableFd() throws IOException {
        try (UnsentPair pair = UnsentPair.open()) {
            FdSender.send(path, "web.out", pair.readEnd());
            pair.closeReadEnd();
            pair.write("hello\n");
        }

        LogSocketStandIn.Datagram datagram = receiver.receive();

        assertEquals("web.out", datagram.name());
        assertEquals(1, datagram.fds().length);
        assertEquals("hello\n", LogSocketStandIn.readText(datagram.fds()[0]));
    }

    @Test
    void emptyNameIsSentAsAZeroLengthDatagramWithTheFd() throws IOException {
        // junixsocket's DatagramChannel silently sends nothing for an empty buffer: this pins the workaround.
        try (UnsentPair pair = UnsentPair.open()) {
            FdSender.send(path, "", pair.readEnd());
            pair.closeReadEnd();
            pair.write("x");
        }

        LogSocketStandIn.Datagram datagram = receiver.receive();

        assertEquals(0, datagram.payload().length);
        assertEquals(1, datagram.fds().length);
        assertEquals("x", LogSocketStandIn.readText(datagram.fds()[0]));
    }

    @Test
    void hostileRawNamesArriveByteForByte() throws IOException {
        byte[] longName = new byte[600];
        Arrays.fill(longName, (byte) 'a');
        byte[][] names = {
            {'a', 0, 'b'},                                 // NUL inside
            {'x', '\n', 'y', '\r', ';', '/', '.', '.'},    // line breaks, separators
            {(byte) 0xff, (byte) 0xc3, 'z', (byte) 0x80},  // invalid UTF-8
            "../../etc/passwd".getBytes(StandardCharsets.UTF_8),
            longName,                                      // beyond LinuxKit's 512
        };
        for (byte[] name : names) {
            try (UnsentPair pair = UnsentPair.open()) {
                FdSender.send(path, name, pair.readEnd());
            }

            LogSocketStandIn.Datagram datagram = receiver.receive();

            assertArrayEquals(name, datagram.payload());
            assertEquals(1, datagram.fds().length);
            datagram.closeFds();
        }
    }

    @Test
    void severalFdsTravelInOneDatagram() throws IOException {
        try (UnsentPair a = UnsentPair.open(); UnsentPair b = UnsentPair.open()) {
            FdSender.send(path, "two", a.readEnd(), b.readEnd());
            a.write("A");
            b.write("B");
        }

        LogSocketStandIn.Datagram datagram = receiver.receive();

        assertEquals(2, datagram.fds().length);
        assertEquals("A", LogSocketStandIn.readText(datagram.fds()[0]));
        assertEquals("B", LogSocketStandIn.readText(datagram.fds()[1]));
    }

    @Test
    void leavesTheCallersFdOpen() throws IOException {
        try (UnsentPair pair = UnsentPair.open()) {
            FdSender.send(path, "mine", pair.readEnd());

            assertTrue(pair.readEnd().valid());
        }
        receiver.receive().closeFds();
    }

    @Test
    void closingTheSentEndThroughJunixsocketCutsOffTheCopyInFlight() throws IOException {
        // Why LogStream closes only the fd: junixsocket's close() calls shutdown(SHUT_RDWR) first,
        // and a shutdown acts on the socket, so the daemon's copy sees EOF and our writes EPIPE.
        AFUNIXSocketPair<AFUNIXSocketChannel> pair = AFUNIXSocketPair.open();
        try (AFUNIXSocketChannel writer = pair.getSocket1()) {
            try (AFUNIXSocketChannel sent = pair.getSocket2()) {
                FdSender.send(path, "cut", sent.getFileDescriptor());
            }

            assertThrows(IOException.class, () -> writer.write(ByteBuffer.wrap(new byte[] {'x'})));
        }
        receiver.receive().closeFds();
    }

    @Test
    void missingSocketIsNoDaemonNamingThePath() {
        Path missing = dir.resolve("missing.sock");

        NoDaemonException e = assertThrows(NoDaemonException.class,
                () -> FdSender.send(missing, "x", FileDescriptor.in));

        assertEquals("no memlogd at " + missing + ": no such file", e.getMessage());
        assertEquals(missing, e.socket());
    }

    @Test
    void socketFileNobodyListensOnIsNoDaemon() throws IOException {
        receiver.close();
        // junixsocket leaves the socket file behind when the bound channel closes, as LinuxKit's daemon does.
        assertTrue(Files.exists(path));

        NoDaemonException e = assertThrows(NoDaemonException.class,
                () -> FdSender.send(path, "x", FileDescriptor.in));

        assertEquals(path, e.socket());
        assertTrue(e.reason().startsWith("connection refused"), e.getMessage());
    }

    @Test
    void noFdIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> FdSender.send(path, "x"));
    }
}

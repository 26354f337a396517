package dev.memlogd.daemon.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;

import dev.memlogd.daemon.fd.FdChannels;
import dev.memlogd.daemon.fd.SocketModes;
import dev.memlogd.daemon.fd.FdInspector;
import dev.memlogd.testkit.ProcFs;

@Timeout(30)
class LogSocketTest implements LogSocket.Receiver {
    @TempDir
    Path dir;
    private Path path;
    private LogSocket socket;
    private final List<String> names = new ArrayList<>();
    private final List<FileDescriptor> received = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private boolean truncated;

    @BeforeEach
    void bind() throws IOException {
        path = dir.resolve("log.sock");
        socket = LogSocket.bind(path, 512, SocketModes.DEFAULTS);
    }

    @AfterEach
    void close() throws IOException {
        for (FileDescriptor fd : received) {
            FdChannels.closeQuietly(fd);
        }
        socket.close();
    }

    @Override
    public void onFds(byte[] rawName, int rawNameLength, boolean nameTruncated, FileDescriptor[] fds) {
        names.add(new String(rawName, 0, rawNameLength, StandardCharsets.UTF_8));
        truncated = nameTruncated;
        received.addAll(List.of(fds));
    }

    @Override
    public void onBadDatagram(String problem) {
        problems.add(problem);
    }

    private void send(byte[] name, FileDescriptor... fds) throws IOException {
        try (AFUNIXDatagramChannel sender = AFUNIXDatagramChannel.open()) {
            sender.connect(AFUNIXSocketAddress.of(path));
            if (fds.length > 0) {
                sender.setOutboundFileDescriptors(fds);
            }
            sender.write(ByteBuffer.wrap(name));
        }
    }

    /** Here "known" is what was open before the datagrams were received, as the daemon's baseline is. */
    private java.util.BitSet known;

    @Override
    public java.util.BitSet knownFds() {
        return known;
    }

    private void receiveAll() throws IOException {
        known = LogSocket.openFds();
        while (socket.receiveOne(this)) {
            // each datagram lands in names / problems
        }
    }

    @Test
    void datagramWithSeveralFdsHandsOverEveryFdUnderOneName() throws IOException {
        try (FileInputStream a = new FileInputStream("/dev/zero"); FileInputStream b = new FileInputStream("/dev/zero");
                FileInputStream c = new FileInputStream("/dev/zero")) {
            send("svc".getBytes(StandardCharsets.UTF_8), a.getFD(), b.getFD(), c.getFD());

            receiveAll();

            assertEquals(List.of("svc"), names);
            assertEquals(3, received.size());
        }
    }

    @Test
    void datagramWithoutFdIsReportedWithItsName() throws IOException {
        send("lonely".getBytes(StandardCharsets.UTF_8));

        receiveAll();

        assertEquals(1, problems.size());
        assertTrue(problems.get(0).contains("lonely") && problems.get(0).contains("no fd"), problems.get(0));
    }

    @Test
    void nameLongerThanTheLimitIsCutAndFlagged() throws IOException {
        byte[] huge = new byte[64 << 10];
        java.util.Arrays.fill(huge, (byte) 'n');
        try (FileInputStream in = new FileInputStream("/dev/zero")) {
            send(huge, in.getFD());

            receiveAll();

            assertEquals(512, names.get(0).length());
            assertTrue(truncated);
        }
    }

    @Test
    void datagramWithMoreFdsThanFitIsDroppedWithoutLeakingAnyFd() throws IOException {
        List<FileInputStream> streams = new ArrayList<>();
        try {
            FileDescriptor[] fds = new FileDescriptor[100];
            for (int i = 0; i < fds.length; i++) {
                FileInputStream in = new FileInputStream("/dev/zero");
                streams.add(in);
                fds[i] = in.getFD();
            }
            int before = openFdCount();
            String beforeList = listFds();
            send("many".getBytes(StandardCharsets.UTF_8), fds);

            receiveAll();

            assertEquals(1, problems.size(), problems.toString());
            assertTrue(problems.get(0).contains("closed"), problems.get(0));
            assertTrue(names.isEmpty());
            assertEquals(before, openFdCount(), "fds leaked by the truncated datagram: before " + beforeList + " after " + listFds());
        } finally {
            for (FileInputStream in : streams) {
                in.close();
            }
        }
    }

    @Test
    void closeRemovesTheSocketFileItCreated() throws IOException {
        socket.close();

        assertFalse(Files.exists(path));
        socket = LogSocket.bind(path, 512, SocketModes.DEFAULTS); // and binding again works
    }

    @Test
    void staleSocketFileIsReplacedButALiveOneIsAnError() throws IOException {
        IOException live = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> LogSocket.bind(path, 512, SocketModes.DEFAULTS));

        assertTrue(live.getMessage().contains("already running"), live.getMessage());
    }

    @Test
    void onlyTheOwnerMayConnectToTheLogSocket() throws IOException {
        String permissions = java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(path));

        assertEquals("rwxr-xr-x", permissions);
    }

    private static String listFds() throws IOException {
        return ProcFs.openFds(ProcFs.SELF).toString();
    }

    private static int openFdCount() throws IOException {
        return ProcFs.openFdCount(ProcFs.SELF);
    }
}

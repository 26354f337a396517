package dev.memlogd.e2e;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketChannel;

import dev.memlogd.core.client.FdSender;
import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.e2e.Sources.Source;
import dev.memlogd.testkit.Fifos;
import dev.memlogd.testkit.Fifos.OpenFifo;

/**
 * Fds that can never be a log source. epoll refuses regular files and directories (the JDK
 * selector would ignore the error and leave a silent source), {@code /dev/null} never has data,
 * a write end is never readable, a datagram socket never reads end of file (one whose sender
 * has gone would hold a source slot for ever: issue 11, item 4), and a connection to the
 * daemon's own query socket would echo every entry back into the ring for ever (item 5): each
 * is refused with a {@code memlogd} entry saying why, while
 * a healthy source keeps being read.
 */
class BadFdTest extends BadInputContract {
    @BeforeAll
    static void startDaemon() throws Exception {
        startDaemonWithHealthySource();
    }

    private static void send(String name, FileDescriptor fd) throws Exception {
        FdSender.send(daemon.logSocket(), name.getBytes(StandardCharsets.UTF_8), fd);
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void regularFileIsRefusedSayingSo() throws Exception {
        Path file = Files.writeString(daemon.dir().resolve("regular.txt"), "a line in a file\n");

        try (FileInputStream in = new FileInputStream(file.toFile())) {
            send("regular", in.getFD());
        }

        daemon.awaitOwnMessage("'regular'", "refused", "regular file");
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void directoryIsRefusedSayingSo() throws Exception {

        try (RawDatagrams.OpenDirectory directory = RawDatagrams.openDirectory(daemon.dir())) {
            send("directory", directory.fd());
        }

        daemon.awaitOwnMessage("'directory'", "refused", "directory");
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void devNullIsRefusedSayingSo() throws Exception {

        try (FileInputStream in = new FileInputStream("/dev/null")) {
            send("null", in.getFD());
        }

        daemon.awaitOwnMessage("'null'", "refused", "/dev/null");
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void writeEndOfAPipeIsRefusedSayingSo() throws Exception {

        try (OpenFifo fifo = Fifos.open(daemon.dir(), 1).get(0)) {
            send("write-end", fifo.writeEnd().getFD());
        }

        daemon.awaitOwnMessage("'write-end'", "refused", "write-only");
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void datagramSocketWhoseSenderIsGoneIsRefusedSayingSo() throws Exception {

        RawDatagrams.sendUnboundDatagramSocket(daemon.logSocket(), "datagram");

        daemon.awaitOwnMessage("'datagram'", "refused", "datagram socket");
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void followingConnectionToThisDaemonsQuerySocketIsRefusedSayingSo() throws Exception {
        try (AFUNIXSocketChannel follower = AFUNIXSocketChannel.open(AFUNIXSocketAddress.of(daemon.querySocket()))) {
            follower.write(ByteBuffer.wrap(new byte[] {LinuxKit.MODE_DUMP_FOLLOW}));

            send("echo", follower.getFileDescriptor());

            daemon.awaitOwnMessage("'echo'", "refused", "query socket");
        }
    }
}

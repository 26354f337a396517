package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.FileInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.newsclub.net.unix.AFUNIXDatagramChannel;

import dev.memlogd.core.client.FdSender;
import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.testkit.Await;

/**
 * Fds the daemon's epoll selector cannot use although they pass for a source at first sight: a
 * character device epoll refuses to watch ({@code /dev/zero}: the JDK selector ignores the
 * EPERM, so it would never be read), and a datagram socket its sender shut down (epoll reports
 * it readable for ever, while every read says "try again"). Each must be refused or dropped
 * with a {@code memlogd} entry: never held silently, never polled in a busy loop. A fresh daemon
 * per test, since such an fd is not contained by the test that sent it.
 *
 * <p>Each test sends, after the fd, a datagram without fd as a marker: the daemon handles
 * datagrams in order, so once the marker is logged the fd has been handled too.
 */
class UnusableFdTest extends DaemonPerTest {
    private void sendMarker(String marker) throws Exception {
        RawDatagrams.sendWithoutFd(daemon.logSocket(), marker.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void characterDeviceEpollCannotWatchIsRefusedSayingSo() throws Exception {
        try (FileInputStream zero = new FileInputStream("/dev/zero")) {
            FdSender.send(daemon.logSocket(), "zero", zero.getFD());
        }

        sendMarker("after-zero");

        List<LogEntry> dump = daemon.awaitOwnMessageDump("'after-zero'");
        assertNotNull(DaemonProcess.ownMessage(dump, "'zero'", "refused"), () -> "no refusal of /dev/zero among "
                + DaemonProcess.ownMessages(dump) + "; the daemon's fds: " + daemonFds());
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void datagramSocketShutDownByItsSenderIsNotPolledInABusyLoop() throws Exception {
        // Closing a junixsocket channel shuts the socket down first: the daemon's copy then
        // polls as readable (EPOLLIN | EPOLLHUP) while a read returns EAGAIN, as a datagram
        // socket does not report end of file.
        try (AFUNIXDatagramChannel datagram = AFUNIXDatagramChannel.open()) {
            FdSender.send(daemon.logSocket(), "datagram-socket", datagram.getFileDescriptor());
        }
        sendMarker("after-datagram-socket");
        daemon.awaitOwnMessage("'after-datagram-socket'");

        // A quiet second may take a moment after the JVM's start (JIT, GC); a busy loop never has one.
        Await.awaitValue(daemon::cpuTicksPerSecond, ticks -> ticks < 5, Duration.ofSeconds(5),
                "a 1 s window in which the daemon uses < 5 CPU ticks (100 = one core busy)");
        daemon.awaitOwnMessage("'datagram-socket'");
    }

    private String daemonFds() {
        try {
            return daemon.openFds().toString();
        } catch (Exception e) {
            return e.toString();
        }
    }
}

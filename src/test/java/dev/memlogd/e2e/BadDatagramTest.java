package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.memlogd.core.client.FdSender;
import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.testkit.UnsentPair;

/**
 * Datagrams on the log socket that init would never send. Each is logged as a {@code memlogd}
 * entry (names are kept as sent, as LinuxKit keeps them) while a healthy source, opened before them all, keeps being
 * read: after each test it writes a line that must still arrive.
 */
class BadDatagramTest extends BadInputContract {
    @BeforeAll
    static void startDaemon() throws Exception {
        startDaemonWithHealthySource();
    }

    /** Sends a socketpair end that already holds {@code line} under the raw name {@code name}; returns the pair. */
    private static UnsentPair sendPairWithLine(byte[] name, String line) throws Exception {
        UnsentPair pair = UnsentPair.open();
        pair.write(line + "\n");
        FdSender.send(daemon.logSocket(), name, pair.readEnd());
        pair.closeReadEnd();
        return pair;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void datagramWithoutFdIsLoggedAndIgnored() throws Exception {

        RawDatagrams.sendWithoutFd(daemon.logSocket(), bytes("nameless-fd"));

        daemon.awaitOwnMessage("'nameless-fd'", "no fd");
    }

    /**
     * An empty datagram with no fd carries nothing at all, and junixsocket's receive() cannot
     * tell it from no datagram (docs/protocol.md says so), so it cannot be logged; what must
     * hold is that it hides nothing: the datagram after it is received and reported.
     */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void emptyDatagramWithoutFdDoesNotHideTheNextDatagram() throws Exception {

        RawDatagrams.sendWithoutFd(daemon.logSocket(), new byte[0]);
        RawDatagrams.sendWithoutFd(daemon.logSocket(), bytes("after-the-empty-one"));

        assertNotNull(daemon.awaitOwnMessage("'after-the-empty-one'", "no fd"));
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void unusableFdAmongOthersIsRefusedAndTheOthersAreRead() throws Exception {
        try (UnsentPair first = UnsentPair.open();
             UnsentPair last = UnsentPair.open();
             FileInputStream devNull = new FileInputStream("/dev/null")) {
            first.write("first fd\n");
            last.write("last fd\n");

            FdSender.send(daemon.logSocket(), bytes("mixed"), first.readEnd(), devNull.getFD(), last.readEnd());
            first.closeReadEnd();
            last.closeReadEnd();

            daemon.awaitDump(d -> DaemonProcess.contains(d, "mixed", "first fd")
                    && DaemonProcess.contains(d, "mixed", "last fd"), "the lines of the two usable fds");
            daemon.awaitOwnMessage("'mixed'", "refused", "/dev/null");
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyFdOfADatagramWithThreeFdsIsReadUnderItsName() throws Exception {
        List<UnsentPair> pairs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            pairs.add(UnsentPair.open());
            pairs.get(i).write("from fd " + i + "\n");
        }

        FdSender.send(daemon.logSocket(), bytes("three"),
                pairs.get(0).readEnd(), pairs.get(1).readEnd(), pairs.get(2).readEnd());
        for (UnsentPair pair : pairs) {
            pair.closeReadEnd();
        }

        daemon.awaitDump(d -> DaemonProcess.contains(d, "three", "from fd 0") && DaemonProcess.contains(d, "three",
                "from fd 1") && DaemonProcess.contains(d, "three", "from fd 2"), "a line from each of the 3 fds");
        Sources.closeAll(pairs);
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void datagramWithHundredFdsIsLoggedAndLeavesNoFdOpenInTheDaemon() throws Exception {
        SortedMap<Integer, String> before = daemon.settledOpenFds();
        List<UnsentPair> pairs = new ArrayList<>();
        FileDescriptor[] fds = new FileDescriptor[100];
        for (int i = 0; i < fds.length; i++) {
            pairs.add(UnsentPair.open());
            fds[i] = pairs.get(i).readEnd();
        }

        FdSender.send(daemon.logSocket(), bytes("hundred"), fds);
        for (UnsentPair pair : pairs) {
            pair.closeReadEnd();
        }

        daemon.awaitOwnMessage("datagram dropped");
        daemon.awaitFdCount(before);
        Sources.closeAll(pairs);
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void nameOf64KibIsCutTo512BytesAndLogged() throws Exception {
        byte[] name = new byte[64 << 10];
        Arrays.fill(name, (byte) 'n');

        try (UnsentPair pair = sendPairWithLine(name, "under a long name")) {

            List<LogEntry> dump = daemon.awaitDump(d -> d.stream().anyMatch(e -> e.msg().equals("under a long name")),
                    "the line sent under a 64 KiB name");
            LogEntry entry = dump.stream().filter(e -> e.msg().equals("under a long name")).findFirst().orElseThrow();
            assertEquals("n".repeat(512), entry.source());
            daemon.awaitOwnMessage("longer than 512 bytes");
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void nameWithSemicolonAndSlashIsKeptAsSent() throws Exception {
        try (UnsentPair pair = sendPairWithLine(bytes("a;b/../c"), "semicolon and slash")) {

            List<LogEntry> dump = daemon.awaitEntry("a;b/../c", "semicolon and slash");

            assertNull(DaemonProcess.ownMessage(dump, "a;b/../c"), "a valid name is not reported");
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void nameWithNewlineIsKeptAsSentLikeLinuxKitAndLogged() throws Exception {
        try (UnsentPair pair = sendPairWithLine(bytes("new\nline"), "newline in name")) {

            daemon.awaitEntry("new\nline", "newline in name");

            daemon.awaitOwnMessage("'new?line'", "kept as sent");
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void nameWithInvalidUtf8ReachesReadersAsReplacementCharacterAndIsLogged() throws Exception {
        byte[] name = {'b', 'a', 'd', (byte) 0xff, 'n', 'a', 'm', 'e'};

        try (UnsentPair pair = sendPairWithLine(name, "invalid utf-8 in name")) {

            daemon.awaitEntry("bad\ufffdname", "invalid utf-8 in name");

            daemon.awaitOwnMessage("'bad\ufffdname'");
        }
    }
}

package dev.memlogd.daemon.intake;

import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.BitSet;

import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.daemon.fd.FdChannels;
import dev.memlogd.daemon.fd.FdInspector;
import dev.memlogd.daemon.ingest.Ingest;
import dev.memlogd.daemon.loop.KeyHandler;
import dev.memlogd.daemon.loop.OwnLog;

/**
 * The log socket's handler: receives datagrams (a source name and fds, as LinuxKit's init
 * sends them), and makes each usable fd a source of {@link Ingest}. An fd is refused, closed
 * and the refusal logged when the source budget (the lower of {@code -max-sources} and what
 * the fd limit allows, see {@link dev.memlogd.daemon.fd.FdBudget}) is used up, or when it is
 * not something epoll can read as a stream (a regular file, a directory, a write-only end, a
 * datagram socket), or when it leads back to the daemon itself ({@link OwnSockets}).
 * Event loop thread only.
 */
public final class SourceIntake implements KeyHandler, LogSocket.Receiver {
    /** Datagrams received per round at most, so that a flood of them cannot starve the sources. */
    static final int DATAGRAMS_PER_ROUND = 256;

    private final LogSocket logSocket;
    private final Selector selector;
    private final Ingest ingest;
    private final OwnLog ownLog;
    private final OwnSockets ownSockets;
    private final int sourceBudget;
    private final String budgetLimit;
    /** The fds open when the loop started serving (JVM's, sockets, selector, console pipe). */
    private BitSet baselineFds = new BitSet();

    /**
     * @param sourceBudget sources read at once
     * @param budgetLimit  what sets that number, for the refusal message
     */
    public SourceIntake(LogSocket logSocket, Selector selector, Ingest ingest, OwnLog ownLog, OwnSockets ownSockets,
            int sourceBudget, String budgetLimit) {
        this.logSocket = logSocket;
        this.selector = selector;
        this.ingest = ingest;
        this.ownLog = ownLog;
        this.ownSockets = ownSockets;
        this.sourceBudget = sourceBudget;
        this.budgetLimit = budgetLimit;
    }

    /** Notes the fds open now as the daemon's own: called once, just before the loop serves. */
    public void recordBaselineFds() {
        baselineFds = LogSocket.openFds();
    }

    @Override
    public void onReady(SelectionKey key) {
        try {
            for (int i = 0; i < DATAGRAMS_PER_ROUND && logSocket.receiveOne(this); i++) {
                // receiveOne hands each datagram to onFds / onBadDatagram
            }
        } catch (IOException e) {
            ownLog.report("log-socket", "receiving on the log socket failed: " + e.getMessage());
        }
    }

    /** The log socket is the daemon's: a bug met receiving is logged by the loop, the socket kept. */
    @Override
    public void abandon() {
    }

    @Override
    public void onFds(byte[] rawName, int rawNameLength, boolean nameTruncated, FileDescriptor[] fds) {
        SourceNames.Name name = SourceNames.inspect(rawName, rawNameLength);
        if (nameTruncated) {
            ownLog.report("source-name", "source name longer than " + LinuxKit.MAX_NAME_LEN
                    + " bytes cut to '" + LogSocket.printable(rawName, rawNameLength) + "'");
        }
        if (name.unusual()) {
            ownLog.report("source-name", "source name '" + name.printable() + "' has control characters or invalid"
                    + " UTF-8; kept as sent, as LinuxKit does (JSON escapes it, logread prints it raw)");
        }
        for (FileDescriptor fd : fds) {
            addSource(name, fd);
        }
    }

    @Override
    public void onBadDatagram(String problem) {
        ownLog.report("datagram", problem);
    }

    @Override
    public BitSet knownFds() {
        BitSet known = (BitSet) baselineFds.clone();
        for (SelectionKey key : selector.keys()) {
            try {
                known.set(FdChannels.fdNumber(key.channel()));
            } catch (IOException e) {
                // Cannot happen once FdChannels.selfTest() passed; if it did, no fd could be
                // told from a stray, and closing one of ours is worse than leaking strays.
                return null;
            }
        }
        return known;
    }

    private void addSource(SourceNames.Name sourceName, FileDescriptor fd) {
        String name = sourceName.printable();
        int number = -1;
        try {
            number = FdChannels.fdNumber(fd);
            if (ingest.sourceCount() >= sourceBudget) {
                refuse(fd, "fd for source '" + name + "' refused: already reading " + ingest.sourceCount()
                        + " sources, " + budgetLimit);
                return;
            }
            String refusal = FdInspector.refusal(fd, number);
            if (refusal == null) {
                refusal = ownSockets.refusal(fd);
            }
            if (refusal != null) {
                refuse(fd, "fd for source '" + name + "' refused: " + refusal);
                return;
            }
            Pipe.SourceChannel channel = FdChannels.readable(fd);
            channel.configureBlocking(false);
            ingest.add(name, sourceName.bytes(), channel, number);
        } catch (IOException | RuntimeException e) {
            refuse(fd, "fd " + number + " for source '" + name + "' cannot be read: " + e);
        }
    }

    private void refuse(FileDescriptor fd, String why) {
        FdChannels.closeQuietly(fd);
        ownLog.report("source-refused", why);
    }
}

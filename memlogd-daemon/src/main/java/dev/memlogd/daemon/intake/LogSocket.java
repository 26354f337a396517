package dev.memlogd.daemon.intake;

import java.io.Closeable;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;

import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.FileDescriptorCast;

import dev.memlogd.daemon.fd.FdChannels;
import dev.memlogd.daemon.fd.FdInspector;
import dev.memlogd.daemon.fd.SocketFiles;
import dev.memlogd.daemon.fd.SocketModes;

/**
 * The log socket: a Unix datagram socket on which LinuxKit's init (or anyone) sends a source
 * name as payload and the fds to read under that name in {@code SCM_RIGHTS}.
 *
 * <p>Receiving goes through junixsocket, which has two pitfalls handled here: its ancillary
 * buffer is capped at 256 bytes (about 60 fds), and when a datagram carries more, the kernel
 * installs the fds that fit, junixsocket throws, and those fds would leak. So after a failed
 * receive, every open fd the daemon does not {@linkplain Receiver#knownFds() know} is closed:
 * the loop is the only thread that opens fds while it runs, so an unknown fd can only have come
 * from that datagram. Only a failed receive pays for the {@code /proc/self/fd} listing, which
 * costs O(open fds) (docs/architecture.md).
 *
 * <p>Single-threaded: the event loop's thread only.
 */
public final class LogSocket implements Closeable {
    /** What one receive produced. */
    public interface Receiver {
        /** A datagram with fds; the receiver owns (and must close or keep) every fd. */
        void onFds(byte[] rawName, int rawNameLength, boolean nameTruncated, FileDescriptor[] fds);

        /** A datagram that could not be used; {@code problem} says why, for a memlogd entry. */
        void onBadDatagram(String problem);

        /**
         * Every fd number the daemon holds on purpose: the fds open when it started serving and
         * the fds of every registered channel, or null if it cannot tell (then nothing is
         * closed). Asked only after a failed receive.
         */
        BitSet knownFds();
    }

    private final AFUNIXDatagramChannel channel;
    private final Path createdPath;
    private final ByteBuffer payload;
    private final byte[] name;
    /**
     * An fd held open only to be closed when a datagram was cut short: the kernel installs a
     * datagram's fds into every free slot up to the fd limit, and the listing that finds them
     * needs one fd itself. Held, no datagram can take that slot.
     */
    private FileInputStream spare;

    private LogSocket(AFUNIXDatagramChannel channel, Path createdPath, int maxNameLength) throws IOException {
        this.channel = channel;
        this.createdPath = createdPath;
        // One byte more than a name may have, to tell a long name from one of exactly the limit.
        this.payload = ByteBuffer.allocateDirect(maxNameLength + 1);
        this.name = new byte[maxNameLength + 1];
        channel.configureBlocking(false);
        channel.setAncillaryReceiveBufferSize(256);
        // junixsocket unlinks a bound datagram socket's file when it closes it: an inherited
        // socket's file belongs to whoever passed the fd, and our own is removed by close().
        channel.socket().setDeleteOnClose(false);
        this.spare = new FileInputStream("/dev/null");
    }

    /**
     * Binds a new socket at {@code path}, replacing a stale socket file nobody listens on, and
     * gives the file {@code modes}' log socket mode and group.
     */
    public static LogSocket bind(Path path, int maxNameLength, SocketModes modes) throws IOException {
        SocketFiles.claim(path, true);
        AFUNIXDatagramChannel channel = AFUNIXDatagramChannel.open();
        try {
            channel.bind(AFUNIXSocketAddress.of(path));
        } catch (IOException e) {
            channel.close();
            throw new IOException("cannot bind log socket " + path + ": " + e.getMessage(), e);
        }
        // junixsocket leaves the socket file 0666 whatever the umask, so any local user could
        // hand memlogd fds (and use up -max-sources). LinuxKit's socket follows the umask
        // (0755 under init's 022): only its owner, root, may connect. The mode is always set
        // explicitly (default 0755).
        try {
            modes.applyToLogSocket(path);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return new LogSocket(channel, path, maxNameLength);
    }

    /** Uses an inherited, bound datagram socket ({@code -fd-log}). */
    public static LogSocket inherit(int fd, int maxNameLength) throws IOException {
        try {
            return new LogSocket(FileDescriptorCast.unsafeUsing(fd).as(AFUNIXDatagramChannel.class), null,
                    maxNameLength);
        } catch (IOException | RuntimeException e) {
            throw new IOException("-fd-log " + fd + " is not a usable Unix datagram socket: " + e.getMessage(), e);
        }
    }

    /** A second channel on a dup of the socket's fd, for the JDK selector to watch (read nothing through it). */
    public Pipe.SourceChannel selectable() throws IOException {
        Pipe.SourceChannel watch = FdChannels.readable(
                FileDescriptorCast.duplicating(channel.getFileDescriptor()).getFileDescriptor());
        watch.configureBlocking(false);
        return watch;
    }

    /**
     * Receives one datagram, if one is waiting, and hands it to {@code receiver}.
     *
     * @return false when no datagram was waiting
     */
    public boolean receiveOne(Receiver receiver) throws IOException {
        payload.clear();
        FileDescriptor[] fds;
        try {
            channel.receive(payload);
            fds = channel.getReceivedFileDescriptors();
        } catch (SocketException e) {
            int strays = closeStraysWithSpare(receiver.knownFds());
            receiver.onBadDatagram("datagram dropped: " + e.getMessage()
                    + (strays > 0 ? "; closed " + strays + " fds it carried (at most about 60 fit in one datagram)"
                            : ""));
            return true;
        }
        // An unbound sender makes receive() return null even when a datagram arrived.
        int length = payload.position();
        if (length == 0 && (fds == null || fds.length == 0)) {
            return false;
        }
        boolean truncated = length > name.length - 1;
        int kept = Math.min(length, name.length - 1);
        payload.flip();
        payload.get(name, 0, kept);
        if (fds == null || fds.length == 0) {
            receiver.onBadDatagram("datagram named '" + printable(name, kept) + "' carried no fd; ignored");
            return true;
        }
        receiver.onFds(name, kept, truncated, fds);
        return true;
    }

    /** The path we bound, or a description of the inherited fd. */
    public String describe() {
        return createdPath != null ? createdPath.toString() : "inherited fd";
    }

    /** Closes the socket and removes its file if this process created it. */
    @Override
    public void close() throws IOException {
        closeSpare();
        channel.close();
        if (createdPath != null) {
            Files.deleteIfExists(createdPath);
        }
    }

    public static String printable(byte[] bytes, int length) {
        StringBuilder sb = new StringBuilder();
        String s = new String(bytes, 0, Math.min(length, 64), java.nio.charset.StandardCharsets.UTF_8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return length > 64 ? sb + "..." : sb.toString();
    }

    /** The fd numbers open now, without the listing's own. */
    public static BitSet openFds() {
        BitSet open = new BitSet();
        String[] names = new File("/proc/self/fd").list();
        if (names != null) {
            for (String n : names) {
                open.set(Integer.parseInt(n));
            }
        }
        // The listing itself had the lowest free fd open; that number is free again now and
        // is where the kernel would put the first fd of a datagram, so it must not count as
        // open. Opening /dev/null gets exactly that lowest free number.
        try (java.io.FileInputStream probe = new java.io.FileInputStream("/dev/null")) {
            open.clear(FdChannels.fdNumber(probe.getFD()));
        } catch (IOException e) {
            // Out of fds: nothing can have been received into a free slot either.
        }
        return open;
    }

    /** {@link #closeStrays} with the spare's slot freed for the listing, and the spare taken again after. */
    private int closeStraysWithSpare(BitSet known) {
        if (known == null) {
            return 0;
        }
        closeSpare();
        int closed = closeStrays(known);
        try {
            // Closed during every listing, the spare is never taken for a stray, whatever its number.
            spare = new FileInputStream("/dev/null");
        } catch (IOException e) {
            spare = null; // out of fds even now: the next cut-short datagram's listing may fail
        }
        return closed;
    }

    private void closeSpare() {
        if (spare != null) {
            try {
                spare.close();
            } catch (IOException e) {
                // /dev/null: nothing to report.
            }
            spare = null;
        }
    }

    private static int closeStrays(BitSet known) {
        if (known == null) {
            return 0;
        }
        BitSet after = openFds();
        after.andNot(known);
        int closed = 0;
        for (int fd = after.nextSetBit(0); fd >= 0; fd = after.nextSetBit(fd + 1)) {
            // The /proc listing's own fd is new too, but already closed: readlink tells.
            String target = FdInspector.linkTarget(fd);
            if (target == null || target.startsWith("/proc/")) {
                continue;
            }
            try {
                FdChannels.closeQuietly(FdChannels.fromNumber(fd));
                closed++;
            } catch (IOException e) {
                // Not ours to close after all.
            }
        }
        return closed;
    }
}

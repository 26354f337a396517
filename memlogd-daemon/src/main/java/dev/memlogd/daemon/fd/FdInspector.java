package dev.memlogd.daemon.fd;

import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Tells what a received fd is before the daemon selects on it, through {@code /proc/self}.
 *
 * <p>Why: epoll refuses regular files and directories (EPERM) and the JDK selector ignores
 * that error, so such an fd would sit registered and silent forever; the write end of a
 * pipe would never be readable; a datagram socket never reads end of file, so one whose sender
 * has gone would hold its source slot for ever ({@link SocketInspector#isDatagram}). Those are
 * refused up front with a clear message instead. Runs once per received fd (never per line),
 * so reading {@code /proc} is cheap enough.
 */
public final class FdInspector {
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int S_IFIFO = 0010000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;
    private static final int O_ACCMODE = 3;
    private static final int O_WRONLY = 1;

    /** What kind of file an fd refers to. */
    public enum Kind { SOCKET, FIFO, CHARACTER_DEVICE, REGULAR_FILE, DIRECTORY, OTHER }

    private FdInspector() {
    }

    /**
     * Why this fd cannot be a log source, or {@code null} if it can.
     *
     * @param descriptor an fd owned by this process
     * @param fd         its number
     */
    public static String refusal(FileDescriptor descriptor, int fd) {
        Path link = Path.of("/proc/self/fd/" + fd);
        Kind kind;
        try {
            kind = kind((Integer) Files.getAttribute(link, "unix:mode"));
        } catch (IOException | RuntimeException e) {
            return "cannot inspect fd " + fd + ": " + e;
        }
        String target = describe(fd);
        switch (kind) {
            case SOCKET:
                if (isDatagram(descriptor)) {
                    return "fd is a datagram socket (" + target + "), which never reads end of file: it would"
                            + " hold a source slot after its sender has gone; send a stream socket, pipe or FIFO";
                }
                break;
            case FIFO:
                break;
            case CHARACTER_DEVICE:
                // epoll refuses some (/dev/zero, /dev/null: the JDK selector would ignore the
                // error and the source would sit silent) and no init hands memlogd a device.
                return "fd is a character device (" + target + "); send a pipe, FIFO or socket";
            case REGULAR_FILE:
                return "fd is a regular file (" + target + "); send a pipe, FIFO or socket";
            case DIRECTORY:
                return "fd is a directory (" + target + ")";
            default:
                return "fd is neither a pipe, FIFO nor socket (" + target + ")";
        }
        if (isWriteOnly(fd)) {
            return "fd is open write-only (" + target + "); send the read end";
        }
        return null;
    }

    public static Kind kind(int mode) {
        switch (mode & S_IFMT) {
            case S_IFSOCK:
                return Kind.SOCKET;
            case S_IFIFO:
                return Kind.FIFO;
            case S_IFCHR:
                return Kind.CHARACTER_DEVICE;
            case S_IFREG:
                return Kind.REGULAR_FILE;
            case S_IFDIR:
                return Kind.DIRECTORY;
            default:
                return Kind.OTHER;
        }
    }

    /** What {@code /proc/self/fd/N} points at: a path, {@code pipe:[ino]}, {@code socket:[ino]}. */
    public static String describe(int fd) {
        String target = linkTarget(fd);
        return target != null ? target : "fd " + fd;
    }

    /** Like {@link #describe}, but null when the fd is not open. */
    public static String linkTarget(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean isDatagram(FileDescriptor descriptor) {
        try {
            return SocketInspector.isDatagram(descriptor);
        } catch (IOException | RuntimeException e) {
            return false; // Unknown socket type: let the reads tell.
        }
    }

    private static boolean isWriteOnly(int fd) {
        try {
            List<String> info = Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd));
            for (String line : info) {
                if (line.startsWith("flags:")) {
                    int flags = Integer.parseInt(line.substring(6).trim(), 8);
                    return (flags & O_ACCMODE) == O_WRONLY;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Unknown access mode: let the first read tell.
        }
        return false;
    }
}

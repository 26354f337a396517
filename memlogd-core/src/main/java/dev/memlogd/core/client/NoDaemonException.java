package dev.memlogd.core.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;

/**
 * No memlogd answers at a socket path: the file is missing, nobody listens on it (a socket file
 * left by a dead daemon), it is not a socket of the right kind, or we may not connect to it.
 * The message names the path and the reason: {@code "no memlogd at /x.sock: no such file"}.
 */
public final class NoDaemonException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path socket;
    private final String reason;

    /** A failure to reach a daemon at {@code socket}, for {@code reason} ("no such file"). */
    public NoDaemonException(Path socket, String reason, Throwable cause) {
        super("no memlogd at " + socket + ": " + reason, cause);
        this.socket = socket;
        this.reason = reason;
    }

    /** Wraps the exception {@code connect()} threw for {@code socket}, with a short reason. */
    static NoDaemonException connectFailed(Path socket, IOException cause) {
        return new NoDaemonException(socket, reason(socket, cause), cause);
    }

    /** The socket path we tried. */
    public Path socket() {
        return socket;
    }

    /** Why nobody answered, in a few lower-case words ("no such file", "permission denied", ...). */
    public String reason() {
        return reason;
    }

    // The JDK and junixsocket both report connect(2)'s errno as the exception message (strerror);
    // there is no errno field, so the message is all we can go by.
    private static String reason(Path socket, IOException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        String m = message.toLowerCase(Locale.ROOT);
        if (m.contains("no such file")) {
            return "no such file";
        }
        if (m.contains("permission denied")) {
            return "permission denied";
        }
        if (m.contains("not a directory")) {
            return "a parent of the path is not a directory";
        }
        if (m.contains("connection refused")) {
            // connect(2) says ECONNREFUSED both for a socket nobody listens on and for a non-socket.
            if (isNonSocketFile(socket)) {
                return "not a socket";
            }
            return "connection refused (nobody listens: a socket file left by a stopped daemon?)";
        }
        if (m.contains("protocol wrong type")) {
            return "wrong socket type (the log socket is a datagram socket, the query socket a stream socket)";
        }
        return message.isEmpty() ? e.getClass().getSimpleName() : message;
    }

    /** A regular file, directory or the like (sockets, FIFOs and devices are "other"). */
    private static boolean isNonSocketFile(Path path) {
        try {
            return !Files.readAttributes(path, BasicFileAttributes.class).isOther();
        } catch (IOException e) {
            return false;
        }
    }
}

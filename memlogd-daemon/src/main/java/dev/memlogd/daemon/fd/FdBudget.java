package dev.memlogd.daemon.fd;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How many sources the process fd limit allows, keeping fds free for what must never fail
 * for lack of one: answering query clients, receiving a full datagram (whose fds the kernel
 * installs before memlogd can refuse them), and listing {@code /proc/self/fd} to close the
 * fds of a datagram cut short. A daemon that let sources take its last fds could neither
 * be queried nor clean up after a bad sender.
 */
public final class FdBudget {
    /** junixsocket's ancillary buffer holds at most about 60 fds per datagram. */
    public static final int DATAGRAM_FDS = 64;
    /** The /proc listing, a probe, a dup: the loop's own transient fds. */
    public static final int LOOP_FDS = 8;
    /** Connections accepted but still owing their mode byte, kept room for. */
    public static final int PENDING_FDS = 16;

    private FdBudget() {
    }

    /**
     * The sources allowed at once: {@code maxSources}, or fewer when the fd limit is lower.
     *
     * @param openNow fds open now (sockets bound, selector made), before any source
     * @return at least 0
     */
    public static int sources(int maxSources, int maxClients, long fdLimit, int openNow) {
        long room = fdLimit - openNow - reserve(maxClients);
        return (int) Math.max(0, Math.min(maxSources, room));
    }

    public static int reserve(int maxClients) {
        // Connections owing their mode byte are transient: room for a burst of PENDING_FDS; a
        // bigger burst at the fd limit meets EMFILE, and accepting pauses a second.
        // + 1: the console echo's pipe.
        return DATAGRAM_FDS + LOOP_FDS + PENDING_FDS + maxClients + 1;
    }

    /** This process's soft open-files limit (HotSpot raises it to the hard one at start). */
    public static long fdLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return "unlimited".equals(soft) ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            // No /proc/self/limits: fall back to -max-sources alone.
        }
        return Long.MAX_VALUE;
    }

    public static int openFdCount() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? 0 : fds.length;
    }
}

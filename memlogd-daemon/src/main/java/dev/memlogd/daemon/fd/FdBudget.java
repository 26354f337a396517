package dev.memlogd.daemon.fd;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How the process fd limit is shared, decided once at start: sources first, then what must
 * never fail for lack of an fd: answering query clients (and the connections still owing
 * their mode byte), receiving a datagram (whose fds the kernel installs before memlogd can
 * refuse them), and the loop's own transient fds. A daemon that let sources take its last fds
 * could neither be queried nor clean up after a bad sender; one that kept a fixed reserve
 * under a small limit would read no source at all.
 *
 * <p>When the limit is generous, every part gets what its option asks for and sources the
 * rest (at most {@code -max-sources}). When that would leave sources less than half of the
 * fds, the reserve shrinks with the limit instead: query clients and datagrams get an eighth
 * of the fds each, pending connections a sixteenth, each at least a small minimum, and
 * sources the rest (about two thirds). A datagram carrying more fds than its share is cut
 * short by the kernel and cleaned up ({@code LogSocket} keeps a spare fd for that). If not
 * even one source fits, the daemon must not start (see {@link #noSourceFits()}).
 *
 * @param sources  sources read at once
 * @param clients  query clients at once (past their handshake)
 * @param pending  connections still owing their mode byte
 * @param datagram fds kept free for one incoming datagram
 * @param limit    the process fd limit this was decided for
 * @param scaled   whether the limit made the reserve smaller than the options ask for
 */
public record FdBudget(int sources, int clients, int pending, int datagram, long limit, boolean scaled) {
    /** junixsocket's ancillary buffer holds at most about 60 fds per datagram. */
    public static final int DATAGRAM_FDS = 64;
    /** The /proc listing, a probe, a dup: the loop's own transient fds. */
    public static final int LOOP_FDS = 8;
    /** The console echo's pipe (its write end; the read end is counted as open at start). */
    public static final int CONSOLE_FDS = 1;
    /** The least kept for datagrams, query clients and pending connections when the limit is small. */
    static final int MIN_DATAGRAM = 4;
    static final int MIN_CLIENTS = 2;
    static final int MIN_PENDING = 2;

    /**
     * Shares {@code fdLimit} between sources and the reserve.
     *
     * @param openNow fds open now (sockets bound, selector made), before any source
     */
    public static FdBudget plan(int maxSources, int maxClients, int maxPending, long fdLimit, int openNow) {
        long free = fdLimit - openNow - LOOP_FDS - CONSOLE_FDS;
        long full = DATAGRAM_FDS + maxPending + (long) maxClients;
        if (free - full >= Math.min(maxSources, free / 2)) {
            return new FdBudget(clampToInt(Math.min(maxSources, free - full)), maxClients, maxPending, DATAGRAM_FDS,
                    fdLimit, false);
        }
        int datagram = clamp(free / 8, MIN_DATAGRAM, DATAGRAM_FDS);
        int clients = clamp(free / 8, Math.min(MIN_CLIENTS, maxClients), maxClients);
        int pending = clamp(free / 16, Math.min(MIN_PENDING, maxPending), maxPending);
        long sources = Math.min(maxSources, free - datagram - clients - pending);
        return new FdBudget((int) Math.max(0, sources), clients, pending, datagram, fdLimit, true);
    }

    /** Whether the limit leaves no fd for a single source: the daemon refuses to start then. */
    public boolean noSourceFits() {
        return sources < 1;
    }

    /** Fds kept out of the sources' reach. */
    public int reserve() {
        return datagram + clients + pending + LOOP_FDS + CONSOLE_FDS;
    }

    /** What was decided, for the start entry: why sources are fewer than asked, and what is kept. */
    public String describe(int maxSources) {
        if (sources >= maxSources) {
            return "sources at once " + sources;
        }
        return "sources at once " + sources + " (fewer than -max-sources " + maxSources + ": the process fd limit is "
                + limit + "; kept " + reserve() + " fds for " + clients + " query clients, " + pending
                + " connections owing their mode byte, a datagram of " + datagram + " fds and the loop"
                + (scaled ? ", less than the options ask for" : "") + ")";
    }

    private static int clamp(long value, int min, int max) {
        return (int) Math.max(min, Math.min(max, value));
    }

    private static int clampToInt(long value) {
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, value));
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

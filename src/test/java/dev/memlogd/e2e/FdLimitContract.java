package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.memlogd.core.client.FdSender;
import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.e2e.Sources.Source;
import dev.memlogd.testkit.Await;
import dev.memlogd.testkit.UnsentPair;

/**
 * The daemon near its open-files limit: started through {@code sh -c 'ulimit -n LIMIT; exec bin/memlogd ...'}
 * and handed more sources than it can hold. HotSpot raises the soft limit to the hard one at
 * start, so the shell sets both. Run under a limit of 200 ({@link FdLimitTest}), and of 128 and
 * 64, where a fixed reserve once left no fd for any source.
 */
@ExtendWith(DaemonOutputOnFailure.class)
abstract class FdLimitContract {
    /** A bound for filling, far above what the daemon takes under {@link #limit}. */
    private static final int MAX_SOURCES = 400;
    /**
     * The least the daemon keeps out of the sources' reach at any limit: fds for two query
     * clients, two pending connections, a datagram of four fds, and the loop's eight.
     */
    private static final int LEAST_RESERVE = 2 + 2 + 4 + 8;

    private final int limit;

    private DaemonProcess daemon;
    private SortedMap<Integer, String> baseline;
    private final List<Source> sources = new ArrayList<>();

    FdLimitContract(int limit) {
        this.limit = limit;
    }

    @BeforeEach
    void startDaemonUnderLimit() throws Exception {
        daemon = DaemonProcess.startInShell("ulimit -n " + limit);
        assertEquals(limit, daemon.maxOpenFiles(), "the daemon's open-files limit");
        baseline = daemon.settledOpenFds();
    }

    @AfterEach
    void stopDaemon() throws Exception {
        try {
            Sources.closeAll(sources);
        } finally {
            daemon.close();
        }
    }

    /**
     * Sends the socketpair source {@code limitN} already holding its line {@link #lineOf lineOf(N)}
     * (written before the send: a source the daemon refuses is closed there, and a later
     * write would fail), N being its index in {@link #sources}.
     */
    private Source sendSource() throws Exception {
        int index = sources.size();
        UnsentPair pair = UnsentPair.open();
        Source source = new Source("limit" + index, pair.writer());
        source.println(lineOf(index));
        FdSender.send(daemon.logSocket(), source.name(), pair.readEnd());
        pair.closeReadEnd();
        sources.add(source);
        return source;
    }

    private static String lineOf(int index) {
        return "limit " + index;
    }

    /**
     * Sends sources, each once the daemon has either taken the one before (its line is in a
     * dump) or refused it (a new refusal entry), until the daemon refuses one for the fd limit:
     * it keeps fds in reserve for query clients and incoming datagrams, so that is well before
     * all {@link #limit} fds are used. The refused source stays in {@link #sources}, last.
     *
     * <p>Taken or refused is read from the dump, never from the fd count: the daemon's fd count
     * also moves with the query connections of the probes themselves (a finished dump's fd is
     * closed at the daemon's next selector round) and with the JVM's own transient fds.
     */
    private void fillUntilRefused() throws Exception {
        while (sources.size() < MAX_SOURCES) {
            int refusalsBefore = refusals(daemon.dump());
            String line = lineOf(sources.size());
            Source sent = sendSource();
            boolean refused = Await.awaitValue(() -> {
                List<LogEntry> dump = daemon.dump();
                return DaemonProcess.contains(dump, sent.name(), line) ? Boolean.FALSE
                        : refusals(dump) > refusalsBefore ? Boolean.TRUE : null;
            }, outcome -> outcome != null, Await.DEFAULT, Duration.ofMillis(1),
                    "the daemon takes or refuses " + sent);
            if (refused) {
                return;
            }
        }
        throw new AssertionError("no source refused after " + MAX_SOURCES + " under an fd limit of " + limit);
    }

    private static int refusals(List<LogEntry> dump) {
        return (int) DaemonProcess.ownMessages(dump).stream().filter(FdLimitContract::reportsSourceFdShortage).count();
    }

    /** An entry about a source refused for the fd limit (not the accept problem). */
    private static boolean reportsSourceFdShortage(LogEntry e) {
        String msg = e.msg().toLowerCase(Locale.ROOT);
        return e.source().equals(LinuxKit.SOURCE_MEMLOGD) && !msg.contains("accept") && msg.contains("refused")
                && msg.contains("fd limit");
    }

    /** Closes the first {@code count} sources (all accepted: the daemon takes datagrams in order). */
    private void closeFirst(int count) throws Exception {
        Sources.closeAll(sources.subList(0, count));
        sources.subList(0, count).clear();
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void daemonRefusingSourcesForItsFdLimitStillAnswersADump() throws Exception {
        fillUntilRefused();

        List<LogEntry> dump = daemon.dumpWithin(Duration.ofSeconds(5));

        assertTrue(DaemonProcess.contains(dump, "limit0", lineOf(0)), "the first source's line is in the dump");
        assertTrue(daemon.openFdCount() <= limit - LEAST_RESERVE, "fds kept in reserve: " + daemon.openFdCount());
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void startMessageSaysHowTheFdLimitIsShared() throws Exception {
        List<LogEntry> own = DaemonProcess.ownMessages(daemon.dump());

        assertTrue(own.stream().anyMatch(e -> e.msg().contains("sources at once")
                && e.msg().contains("fd limit is " + limit) && e.msg().contains("query clients at once")),
                own.toString());
    }

    /** Issue 11, item 8: under a limit of 128 a fixed reserve refused every source. */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void mostFdsUnderTheLimitGoToSources() throws Exception {
        fillUntilRefused();

        int taken = sources.size() - 1;
        assertTrue(taken >= (limit - baseline.size()) / 2, "the daemon took " + taken + " sources with "
                + baseline.size() + " fds open at start under a limit of " + limit);
    }

    /**
     * Near the limit, a datagram carrying more fds than the daemon will take: the kernel still
     * installs them (the reserve leaves room), the daemon refuses and closes each, and one
     * carrying more than fit in the receive buffer is dropped with its installed fds closed.
     */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void fullDatagramsNearTheLimitLeaveNoFdBehind() throws Exception {
        fillUntilRefused();
        SortedMap<Integer, String> held = daemon.settledOpenFds();
        List<UnsentPair> pairs = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                pairs.add(UnsentPair.open());
            }
            java.io.FileDescriptor[] fds = pairs.stream().map(UnsentPair::readEnd)
                    .toArray(java.io.FileDescriptor[]::new);

            FdSender.send(daemon.logSocket(), "fifty".getBytes(StandardCharsets.UTF_8),
                    java.util.Arrays.copyOf(fds, 50));
            FdSender.send(daemon.logSocket(), "hundred".getBytes(StandardCharsets.UTF_8), fds);
            daemon.awaitOwnMessage("datagram dropped", "closed");

            daemon.awaitFdCount(held);
        } finally {
            for (UnsentPair pair : pairs) {
                pair.closeReadEnd();
                pair.close();
            }
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void daemonReadsNewSourcesAgainOnceSourcesCloseAndReleasesEveryFd() throws Exception {
        fillUntilRefused();
        assertTrue(sources.size() > 10, "the daemon took " + (sources.size() - 1) + " sources");
        SortedMap<Integer, String> full = daemon.settledOpenFds();
        closeFirst(10);
        // The only sign that the daemon has seen those EOFs: it closes their fds.
        Await.awaitValue(() -> daemon.openFds().size(), count -> count <= full.size() - 10,
                "the daemon closes the fds of the 10 sources that ended (it held " + full.size() + ")");

        try (Source late = Sources.socketpair(daemon.logSocket(), "late")) {
            late.println("after the limit");
            daemon.awaitEntry("late", "after the limit");
        }
        Sources.closeAll(sources);
        sources.clear();

        daemon.awaitFdCount(baseline);
    }
}

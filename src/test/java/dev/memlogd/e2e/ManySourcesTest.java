package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.memlogd.e2e.Sources.Source;
import dev.memlogd.testkit.Await;

/**
 * 1,000 sources, as a busy LinuxKit host has: 500 socketpairs and 500 FIFOs, each of which
 * wrote one line (seen in a dump) and then stays open and idle. LinuxKit uses a thread per
 * source (~991 threads at 1,000); memlogd's thread count must not depend on the number of
 * sources, and an idle daemon must not poll.
 */
@ExtendWith(DaemonOutputOnFailure.class)
class ManySourcesTest {
    private static final int PER_KIND = 500;

    private static DaemonProcess daemon;
    private static int threadsWithoutSources;
    private static final List<Source> SOURCES = new ArrayList<>();

    @BeforeAll
    @Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    static void startDaemonWithThousandSources() throws Exception {
        daemon = DaemonProcess.start();
        threadsWithoutSources = daemon.threadCount();
        List<String> pairNames = new ArrayList<>();
        List<String> fifoNames = new ArrayList<>();
        for (int i = 0; i < PER_KIND; i++) {
            pairNames.add("onboot.pair" + i + ".out");
            fifoNames.add("svc" + i + ".out");
        }
        SOURCES.addAll(Sources.socketpairs(daemon.logSocket(), pairNames));
        SOURCES.addAll(Sources.fifos(daemon.dir(), daemon.logSocket(), fifoNames));
        for (Source source : SOURCES) {
            source.println("hello from " + source.name());
        }
        daemon.awaitDump(dump -> dump.stream().filter(e -> e.msg().startsWith("hello from ")).count() == 2 * PER_KIND,
                "one line from each of the " + 2 * PER_KIND + " sources");
    }

    @AfterAll
    static void stopDaemon() throws Exception {
        try {
            Sources.closeAll(SOURCES);
        } finally {
            daemon.close();
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void threadCountDoesNotGrowWithTheNumberOfSources() throws Exception {

        int threadsWithSources = daemon.threadCount();

        assertTrue(Math.abs(threadsWithSources - threadsWithoutSources) <= 2,
                "threads: " + threadsWithoutSources + " with no source, " + threadsWithSources + " with "
                        + SOURCES.size());
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void idleDaemonWithThousandSourcesUsesAlmostNoCpu() throws Exception {
        // Just after the load the daemon JVM's JIT and GC threads may still be busy; a polling
        // daemon never has a quiet second, so the first quiet 1 s window within the deadline passes.
        long ticks = Await.awaitValue(daemon::cpuTicksPerSecond, used -> used < 5, Duration.ofSeconds(20), "a 1 s window in which the idle daemon uses < 5 CPU ticks");

        assertTrue(ticks < 5, "ticks " + ticks);
    }
}

package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.e2e.Sources.Source;
import dev.memlogd.testkit.Await;
import dev.memlogd.testkit.Processes;

/**
 * The per-source rate limit against the floods issue 11 found (items 5 and 7): with
 * {@code -max-lines 1000}, one source writing far more than the ring holds evicted every quiet
 * source's lines, and a service running {@code logread -F} with its output captured by memlogd
 * echoed every entry back for ever. With {@code -rate-limit-burst 100} (an hour's window, so no
 * window ends during a test) the flood keeps 100 lines plus one count entry, the quiet sources
 * keep all theirs, and the loop stops by itself. The flags are spelled the ways Go reads them.
 */
@ExtendWith(DaemonOutputOnFailure.class)
class FloodTest {
    private static final int BURST = 100;
    static DaemonProcess daemon;

    @BeforeAll
    static void startDaemon() throws Exception {
        daemon = DaemonProcess.start("-max-lines", "1000", "-rate-limit-burst=" + BURST, "--rate-limit-interval", "1h");
    }

    @AfterAll
    static void stopDaemon() {
        daemon.close();
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void floodingSourceKeepsItsBurstAndACountWhileQuietSourcesKeepEveryLine() throws Exception {
        List<String> quietNames = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            quietNames.add("quiet-" + i);
        }
        List<Source> quiet = Sources.socketpairs(daemon.logSocket(), quietNames);
        try (Source flood = Sources.socketpair(daemon.logSocket(), "flood")) {
            for (int line = 0; line < 5; line++) {
                for (Source source : quiet) {
                    source.println(source.name() + " line " + line);
                }
            }
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < 5000; i++) {
                lines.append("flood line ").append(i).append('\n');
            }

            flood.write(lines.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            Sources.closeAll(quiet);
        }

        List<LogEntry> dump = daemon.awaitDump(d -> d.stream().anyMatch(e -> e.source().equals("flood") && e.suppressed()),
                "the flood's count of suppressed lines, written at its end of file");
        List<LogEntry> flood = dump.stream().filter(e -> e.source().equals("flood")).collect(Collectors.toList());
        assertEquals(BURST + 1, flood.size(), () -> "the flood's burst and its count: " + flood.size());
        LogEntry count = flood.get(BURST);
        assertTrue(count.suppressed() && count.msg().contains("suppressed " + (5000 - BURST) + " lines"), count::toString);
        for (String name : quietNames) {
            assertEquals(5, dump.stream().filter(e -> e.source().equals(name)).count(), name + "'s lines in the ring");
        }
        assertTrue(DaemonProcess.ownMessage(dump, "'flood'", "-rate-limit-burst " + BURST) != null,
                "a memlogd entry says the flood is being counted");
    }

    @Test
    @Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void logreadFollowingWithItsOutputCapturedByMemlogdStopsAtTheRateLimit() throws Exception {
        // A service whose stdout init hands to memlogd, running logread -F: every entry it is sent
        // comes back as a line of loop.out, which it is then sent.
        Process loop = new ProcessBuilder(DaemonProcess.bin("memlogd-exec").toString(), "-socket",
                daemon.logSocket().toString(), "-n", "loop", DaemonProcess.bin("logread").toString(), "-F", "-socket",
                daemon.querySocket().toString())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            daemon.awaitOwnMessage("'loop.out'", "-rate-limit-burst " + BURST);

            // A quiet second may take a moment after the JVM's start (JIT, GC); an echo loop never has one.
            Await.awaitValue(daemon::cpuTicksPerSecond, ticks -> ticks < 5, Duration.ofSeconds(10),
                    "a 1 s window in which the daemon uses < 5 CPU ticks (100 = one core busy)");
            long echoed = daemon.dump().stream().filter(e -> e.source().equals("loop.out")).count();
            assertEquals(BURST, echoed, "lines of the loop kept: its burst, then nothing until the window ends");
        } finally {
            loop.descendants().forEach(ProcessHandle::destroy);
            Processes.stop(loop, Duration.ofSeconds(5));
        }
    }
}

package dev.memlogd.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.memlogd.e2e.Sources.Source;

/**
 * The contract every bad-input test shares: one daemon per class with a healthy source, and
 * after each test, however bad its input, a line written by the healthy source still arrives
 * ("the daemon keeps serving every other source").
 */
@ExtendWith(DaemonOutputOnFailure.class)
abstract class BadInputContract {
    static DaemonProcess daemon;
    static Source healthy;
    private static int healthyLines;

    /** Starts the class's daemon with these extra flags, and its healthy source. */
    static void startDaemonWithHealthySource(String... flags) throws Exception {
        daemon = DaemonProcess.start(flags);
        healthy = Sources.socketpair(daemon.logSocket(), "healthy");
        healthyLines = 0;
    }

    @AfterAll
    static void stopDaemon() throws Exception {
        try {
            healthy.close();
        } finally {
            daemon.close();
        }
    }

    @AfterEach
    void healthySourceIsStillRead() throws Exception {
        String line = "still read " + ++healthyLines;
        healthy.println(line);
        daemon.awaitEntry("healthy", line);
    }
}

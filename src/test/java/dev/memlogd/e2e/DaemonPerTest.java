package dev.memlogd.e2e;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/** Tests that need a fresh daemon, on default flags, for each test (its fds, threads or exit matter). */
@ExtendWith(DaemonOutputOnFailure.class)
abstract class DaemonPerTest {
    DaemonProcess daemon;

    @BeforeEach
    void startDaemon() throws Exception {
        daemon = DaemonProcess.start();
    }

    @AfterEach
    void stopDaemon() {
        daemon.close();
    }
}

package dev.memlogd.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** Tests that can share one daemon, on default flags, started before the class and stopped after it. */
@ExtendWith(DaemonOutputOnFailure.class)
abstract class DaemonPerClass {
    static DaemonProcess daemon;

    @BeforeAll
    static void startDaemon() throws Exception {
        daemon = DaemonProcess.start();
    }

    @AfterAll
    static void stopDaemon() {
        daemon.close();
    }
}

package dev.memlogd.e2e;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.e2e.Sources.Source;
import dev.memlogd.testkit.Await;

/**
 * LinuxKit's memlogd writes each entry to the console synchronously, so a console that stops
 * draining stalls it. Ours must keep ingesting and answering queries while nobody reads its
 * stdout, and the console must say how many entries it skipped once it drains again.
 */
@ExtendWith(DaemonOutputOnFailure.class)
class StalledConsoleTest {
    private static final int LINES = 20_000; // ~2 MB of console output: far beyond a pipe's 64 KiB

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void stdoutThatNobodyReadsNeverStallsIngestAndSkippedEntriesAreReported() throws Exception {
        // stdout is a pipe this test does not read until the end: the console stalls at once.
        try (DaemonProcess daemon = DaemonProcess.startWithStalledConsole("-max-lines", "1000")) {
            try (Source source = Sources.socketpair(daemon.logSocket(), "flood")) {

                // Were ingest held up by the console, these writes would block once the socket
                // buffer is full, and the test would time out.
                for (int i = 0; i < LINES; i++) {
                    source.println("line " + i + " " + "x".repeat(80));
                }

                daemon.awaitDump(dump -> lastMsg(dump).startsWith("line " + (LINES - 1) + " "),
                        "the last line is in the ring while stdout is stalled");
            }
            InputStream stdout = daemon.process().getInputStream();
            StringBuilder console = new StringBuilder();
            Await.await(() -> {
                console.append(new String(stdout.readNBytes(Math.max(1, stdout.available())), StandardCharsets.UTF_8));
                return console.indexOf(";memlogd;this reader fell behind and missed ") >= 0;
            }, "the console, drained again, reports the entries it skipped");
        }
    }

    private static String lastMsg(List<LogEntry> dump) {
        return dump.isEmpty() ? "" : dump.get(dump.size() - 1).msg();
    }
}

package dev.memlogd.e2e;

import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.memlogd.core.client.QueryClient;
import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.e2e.Sources.Source;

/**
 * LinuxKit's memlogd writes each entry to the console synchronously, so a console that stops
 * draining stalls it. Ours must keep ingesting and answering queries while nobody reads its
 * stdout, and the console must say how many entries it skipped once it drains again.
 */
class StalledConsoleTest {
    private static final int LINES = 20_000; // ~2 MB of console output: far beyond a pipe's 64 KiB

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void stdoutThatNobodyReadsNeverStallsIngestAndSkippedEntriesAreReported() throws Exception {
        Path log = dir.resolve("log.sock");
        Path query = dir.resolve("q.sock");
        // stdout is a pipe this test does not read until the end: the console stalls at once.
        Process daemon = new ProcessBuilder(DaemonProcess.bin("memlogd").toString(), "-socket-log", log.toString(),
                "-socket-query", query.toString(), "-max-lines", "1000")
                .redirectError(dir.resolve("stderr.txt").toFile()).start();
        try {
            Await.await(() -> accepts(query) && Files.exists(log), "both sockets accept");
            try (Source source = Sources.socketpair(log, "flood")) {

                for (int i = 0; i < LINES; i++) {
                    source.println("line " + i + " " + "x".repeat(80));
                }

                Await.await(() -> lastLine(query).contains("line " + (LINES - 1) + " "),
                        "the last line is in the ring while stdout is stalled");
            }
            InputStream stdout = daemon.getInputStream();
            StringBuilder console = new StringBuilder();
            Await.await(() -> {
                console.append(new String(stdout.readNBytes(Math.max(1, stdout.available())), StandardCharsets.UTF_8));
                return console.indexOf(";memlogd;this reader fell behind and missed ") >= 0;
            }, "the console, drained again, reports the entries it skipped");
        } finally {
            daemon.destroy();
            daemon.waitFor();
        }
    }

    private static boolean accepts(Path query) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(query));
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static String lastLine(Path query) throws Exception {
        String last = "";
        try (QueryClient client = QueryClient.open(query, LinuxKit.MODE_DUMP)) {
            for (String line = client.readLine(); line != null; line = client.readLine()) {
                last = line;
            }
        }
        return last;
    }
}

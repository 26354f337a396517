package dev.memlogd.logwrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.memlogd.testkit.Await;

/**
 * logwrite against a daemon that behaves as LinuxKit's memlogd does with our extended query: it
 * reads the mode byte, and for any mode but 0-2 never answers (LinuxKit registers no reader and
 * closes nothing). logwrite must notice, say so once, and follow with LinuxKit's mode 2.
 */
@Timeout(60)
class LinuxKitDaemonTest {
    private static final String ENTRY = "{\"time\":\"2026-11-30T03:00:00.5+01:00\",\"source\":\"web\",\"msg\":\"hello\"}\n";

    @TempDir
    Path dir;

    private ServerSocketChannel server;
    private final List<SocketChannel> clients = new ArrayList<>();
    private final List<Byte> modes = new ArrayList<>();

    @AfterEach
    void close() throws IOException {
        server.close();
        for (SocketChannel client : clients) {
            client.close();
        }
    }

    /** LinuxKit's query loop, as far as logwrite can tell: mode 2 gets the ring, anything else silence. */
    private void serveAsLinuxKit(Path socket) throws IOException {
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread thread = new Thread(() -> {
            try {
                while (true) {
                    SocketChannel client = server.accept();
                    ByteBuffer mode = ByteBuffer.allocate(1);
                    client.read(mode);
                    synchronized (modes) {
                        clients.add(client);
                        modes.add(mode.get(0));
                    }
                    if (mode.get(0) == 2) {
                        client.write(ByteBuffer.wrap(ENTRY.getBytes(StandardCharsets.UTF_8)));
                    }
                }
            } catch (IOException e) {
                // closed by the test
            }
        }, "linuxkit-memlogd-stand-in");
        thread.setDaemon(true);
        thread.start();
    }

    @Test
    void daemonThatNeverAnswersTheExtendedQueryIsFollowedWithDumpAndFollowAndSaidOnce() throws Exception {
        Path socket = dir.resolve("q.sock");
        Path logDir = Files.createDirectory(dir.resolve("log"));
        serveAsLinuxKit(socket);
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        Log log = new Log(new PrintStream(said, true, StandardCharsets.UTF_8));
        LogwriteOptions options = new LogwriteOptions(socket, logDir, 10, 1 << 20, 1000, false, 5000, 200);
        Persister persister = new Persister(options, LogDir.open(logDir, options, log), log);
        Thread run = new Thread(() -> {
            try {
                persister.run();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, "logwrite");
        run.start();

        Await.await(() -> Files.exists(logDir.resolve("web.log"))
                && Files.readString(logDir.resolve("web.log")).equals("2026-11-30T03:00:00+01:00 web hello\n"),
                Duration.ofSeconds(20), "web.log written from the mode-2 stream; logwrite said:\n" + said);
        persister.requestStop();
        run.join();

        synchronized (modes) {
            assertEquals(List.of((byte) 3, (byte) 2), modes, "the extended query first, then LinuxKit's dump+follow");
        }
        String text = said.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("taking it for LinuxKit's"), text);
        assertEquals(text.indexOf("taking it for LinuxKit's"), text.lastIndexOf("taking it for LinuxKit's"), text);
    }
}

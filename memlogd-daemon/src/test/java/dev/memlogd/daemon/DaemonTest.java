package dev.memlogd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileDescriptor;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.FileDescriptorCast;

import dev.memlogd.core.client.FdSender;
import dev.memlogd.core.client.QueryClient;
import dev.memlogd.core.wire.EntryJsonParser;
import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.core.wire.QueryRequest;
import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.daemon.fd.FdChannels;
import dev.memlogd.daemon.ingest.RateLimit;
import dev.memlogd.daemon.ingest.SyslogSources;
import dev.memlogd.testkit.Await;

/**
 * The daemon wired from its parts and run on a thread of the test's JVM, over real sockets
 * and pipes: what needs the whole loop but not a separate process.
 */
@Timeout(60)
class DaemonTest {
    @TempDir
    Path dir;

    private Daemon daemon;
    private Thread loop;

    @AfterEach
    void stop() throws InterruptedException {
        if (daemon != null) {
            daemon.stopAndAwait();
            loop.join();
        }
    }

    private DaemonConfig config(int logFd, int queryFd, int maxLines, long clientWaitMillis) {
        return new DaemonConfig(dir.resolve("log.sock"), dir.resolve("q.sock"), logFd, queryFd, maxLines, 1 << 20,
                1024, 4096, 64, 64 << 10, 16 << 10, 5000, clientWaitMillis, false, SyslogSources.NONE,
                RateLimit.OFF, 1000);
    }

    private void start(DaemonConfig config) throws IOException {
        daemon = Daemon.open(config);
        loop = new Thread(daemon::run, "daemon under test");
        loop.start();
    }

    private List<LogEntry> dump() throws IOException {
        List<LogEntry> entries = new ArrayList<>();
        try (QueryClient client = QueryClient.open(dir.resolve("q.sock"), LinuxKit.MODE_DUMP)) {
            for (String line = client.readLine(); line != null; line = client.readLine()) {
                entries.add(EntryJsonParser.parse(line));
            }
        }
        return entries;
    }

    /** Hands the daemon a pipe's read end under {@code name}; returns the write end. */
    private Pipe.SinkChannel source(String name) throws IOException {
        Pipe pipe = Pipe.open();
        FdSender.send(dir.resolve("log.sock"), name, fdOf(pipe.source()));
        pipe.source().close();
        return pipe.sink();
    }

    private static FileDescriptor fdOf(java.nio.channels.SelectableChannel channel) throws IOException {
        return FdChannels.fromNumber(FdChannels.fdNumber(channel));
    }

    private static void writeAll(Pipe.SinkChannel sink, String text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            sink.write(bytes);
        }
    }

    private static boolean hasLine(List<LogEntry> entries, String source, String msgPart) {
        return entries.stream().anyMatch(e -> e.source().equals(source) && e.msg().contains(msgPart));
    }

    private String stats() throws IOException {
        try (QueryClient client = QueryClient.open(dir.resolve("q.sock"), QueryRequest.STATS)) {
            String line = client.readLine();
            assertNull(client.readLine(), "one line, then the daemon closes");
            return line;
        }
    }

    private static long field(String json, String regexBefore, String field) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(regexBefore + "[^{}]*?\"" + field + "\":(-?\\d+)")
                .matcher(json);
        assertTrue(m.find(), field + " after " + regexBefore + " in " + json);
        return Long.parseLong(m.group(1));
    }

    @Test
    void statisticsCountEachSourcesLinesBytesCutLinesEntriesHeldAndEvictedAndTheReaders() throws Exception {
        start(config(-1, -1, 10, 1000));
        try (Pipe.SinkChannel web = source("web")) {
            writeAll(web, "a\n" + "b".repeat(2000) + "\n" + "c\n");
        }
        Pipe.SinkChannel db = source("db");
        for (int i = 0; i < 20; i++) {
            writeAll(db, "line " + i + "\n");
        }
        Await.await(() -> hasLine(dump(), "db", "line 19"), "db's last line held");
        try (QueryClient follower = QueryClient.open(dir.resolve("q.sock"), LinuxKit.MODE_FOLLOW)) {
            String json = Await.awaitValue(this::stats, j -> j.contains("\"follows\":true"), "the follower listed");
            assertTrue(json.startsWith("{\"stats\":1,\"daemon\":\""), json);
            String web = "\\{\"name\":\"web\",\"kind\":\"pipe\",\"connections\":1,\"open\":0";
            assertEquals(3, field(json, web, "lines"));
            assertEquals(1 + 1024 + 1, field(json, web, "bytes"), "the cut line counts what was kept");
            assertEquals(1, field(json, web, "truncated"));
            assertEquals(0, field(json, web, "in_ring"), "the ring of 10 holds db's last lines only");
            assertEquals(3, field(json, web, "evicted"));
            String dbSource = "\\{\"name\":\"db\",\"kind\":\"pipe\",\"connections\":1,\"open\":1";
            assertEquals(20, field(json, dbSource, "lines"));
            long dbHeld = field(json, dbSource, "in_ring");
            assertTrue(dbHeld >= 1 && dbHeld <= 10, json);
            assertEquals(20 - dbHeld, field(json, dbSource, "evicted"));
            assertEquals(1, field(json, "\"totals\":\\{", "sources_open"));
            assertEquals(1, field(json, "\"totals\":\\{", "sources_closed"));
            assertEquals(23, field(json, "\"totals\":\\{", "lines"));
            assertEquals(10, field(json, "\"options\":\\{", "maxLines"), "the options as given");
        } finally {
            db.close();
        }
    }

    @Test
    void inheritedSocketsAreServedAndLeftInPlaceAtExit() throws Exception {
        try (AFUNIXDatagramChannel log = AFUNIXDatagramChannel.open();
                ServerSocketChannel query = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            log.bind(AFUNIXSocketAddress.of(dir.resolve("log.sock")));
            query.bind(UnixDomainSocketAddress.of(dir.resolve("q.sock")));
            // The daemon owns (and closes) the fds it is given: give it copies, as init's would be.
            int logFd = FdChannels.fdNumber(FileDescriptorCast.duplicating(log.getFileDescriptor())
                    .getFileDescriptor());
            int queryFd = FdChannels.fdNumber(FileDescriptorCast.duplicating(fdOf(query)).getFileDescriptor());
            start(config(logFd, queryFd, 100, 1000));

            try (Pipe.SinkChannel sink = source("web")) {
                writeAll(sink, "hello from an inherited socket\n");
            }
            Await.await(() -> hasLine(dump(), "web", "hello from an inherited socket"), "the line in a dump");
            daemon.stopAndAwait();
            loop.join();

            assertTrue(Files.exists(dir.resolve("log.sock")), "inherited log socket file removed");
            assertTrue(Files.exists(dir.resolve("q.sock")), "inherited query socket file removed");
            try (SocketChannel stillListening = SocketChannel.open(UnixDomainSocketAddress.of(dir.resolve("q.sock")))) {
                assertTrue(stillListening.isConnected(), "the inherited socket itself stays open");
            }
        }
    }

    @Test
    void boundSocketsAreRemovedAtExit() throws Exception {
        start(config(-1, -1, 100, 1000));

        daemon.stopAndAwait();
        loop.join();

        assertFalse(Files.exists(dir.resolve("log.sock")));
        assertFalse(Files.exists(dir.resolve("q.sock")));
    }

    @Test
    void whileIngestWaitsForAReaderItStillAnswersClientsAndReceivesDatagrams() throws Exception {
        start(config(-1, -1, 64, 600_000));
        SocketChannel stuck = SocketChannel.open(StandardProtocolFamily.UNIX);
        stuck.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
        stuck.connect(UnixDomainSocketAddress.of(dir.resolve("q.sock")));
        stuck.write(ByteBuffer.wrap(new byte[] {LinuxKit.MODE_DUMP_FOLLOW}));
        Pipe.SinkChannel flood = source("flood");
        flood.configureBlocking(false);
        long written = fillUntilTheDaemonStopsReading(flood);

        try (AFUNIXDatagramChannel sender = AFUNIXDatagramChannel.open()) {
            sender.send(ByteBuffer.wrap("no-fd-marker".getBytes(StandardCharsets.UTF_8)),
                    AFUNIXSocketAddress.of(dir.resolve("log.sock")));
        }
        List<LogEntry> whileWaiting = dump();
        boolean stillFull = flood.write(ByteBuffer.wrap(LINE)) == 0;
        stuck.close();
        writeAll(blocking(flood), "\nlast\n");
        flood.close();

        assertTrue(hasLine(whileWaiting, LinuxKit.SOURCE_MEMLOGD, "'no-fd-marker' carried no fd"),
                () -> "the datagram's complaint, in the reserved entries: " + whileWaiting);
        assertTrue(stillFull, "ingest still waits for the stuck reader after answering the dump (" + written
                + " bytes written)");
        Await.await(() -> hasLine(dump(), "flood", "last"), "every line ingested once the stuck reader left");
    }

    /** What the flood writes: less than PIPE_BUF, so a write takes all of it or none. */
    private static final byte[] LINE = ("x".repeat(199) + "\n").getBytes(StandardCharsets.US_ASCII);

    /**
     * Writes 200-byte lines until the pipe has stayed full for a second: the daemon stopped
     * reading it (ingest waits, or it is the slowest machine there is: then the test's later
     * assertions are merely weaker).
     */
    private static long fillUntilTheDaemonStopsReading(Pipe.SinkChannel sink) throws IOException {
        ByteBuffer line = ByteBuffer.wrap(LINE);
        long written = 0;
        try (Selector selector = Selector.open()) {
            sink.register(selector, SelectionKey.OP_WRITE);
            while (true) {
                int n = sink.write(line);
                written += n;
                if (!line.hasRemaining()) {
                    line.rewind();
                }
                if (n == 0 && selector.select(1000) == 0) {
                    return written;
                }
                selector.selectedKeys().clear();
            }
        }
    }

    private static Pipe.SinkChannel blocking(Pipe.SinkChannel sink) throws IOException {
        sink.configureBlocking(true);
        return sink;
    }
}

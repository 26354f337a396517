package dev.memlogd.core.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.core.wire.QueryRequest;
import dev.memlogd.testkit.QuerySocketStandIn;

@Timeout(30)
class QueryClientTest {
    @TempDir
    Path dir;
    private Path path;
    private QuerySocketStandIn server;

    @BeforeEach
    void bind() throws IOException {
        path = dir.resolve("q.sock");
        server = QuerySocketStandIn.bind(path, LinuxKit.MODE_QUERY);
    }

    @AfterEach
    void close() throws IOException {
        server.close();
    }

    @Test
    void sendsTheModeByteAndReadsLinesUntilTheServerCloses() throws Exception {
        server.replyWith("{\"a\":1}\n{\"b\":\"é\"}\n");

        List<String> lines;
        try (QueryClient client = QueryClient.open(path, LinuxKit.MODE_DUMP_FOLLOW)) {
            lines = readAll(client);
        }

        assertArrayEquals(new byte[] {LinuxKit.MODE_DUMP_FOLLOW}, server.awaitRequest());
        assertEquals(List.of("{\"a\":1}", "{\"b\":\"é\"}"), lines);
    }

    @Test
    void modeQuerySendsTheRequestAsOneJsonLine() throws Exception {
        QueryRequest request = new QueryRequest(true, false, 41, 10, List.of("web"));
        server.replyWith("");

        try (QueryClient client = QueryClient.open(path, request)) {
            assertNull(client.readLine());
        }

        byte[] expected = (((char) LinuxKit.MODE_QUERY) + request.toJson() + "\n").getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(expected, server.awaitRequest());
    }

    @Test
    void onlyNewlineEndsALineAndALastLineWithoutNewlineIsReturned() throws Exception {
        server.replyWith("a\rb\n\nlast");

        List<String> lines;
        try (QueryClient client = QueryClient.open(path, LinuxKit.MODE_DUMP)) {
            lines = readAll(client);
        }

        assertEquals(List.of("a\rb", "", "last"), lines);
    }

    @Test
    void invalidUtf8BecomesReplacementCharacters() throws Exception {
        server.replyWith(new byte[] {'x', (byte) 0xff, 'y', '\n'});

        try (QueryClient client = QueryClient.open(path, LinuxKit.MODE_DUMP)) {
            assertEquals("x\ufffdy", client.readLine());
        }
    }

    @Test
    void linesLongerThanTheBufferAreJoined() throws Exception {
        String longLine = "z".repeat(200_000);
        server.replyWith(longLine + "\nnext\n");

        List<String> lines;
        try (QueryClient client = QueryClient.open(path, LinuxKit.MODE_DUMP)) {
            lines = readAll(client);
        }

        assertEquals(List.of(longLine, "next"), lines);
    }

    @Test
    void missingSocketIsNoDaemonNamingThePathAndReason() {
        Path missing = dir.resolve("missing.sock");

        NoDaemonException e = assertThrows(NoDaemonException.class,
                () -> QueryClient.open(missing, LinuxKit.MODE_DUMP));

        assertEquals("no memlogd at " + missing + ": no such file", e.getMessage());
    }

    @Test
    void regularFileIsNoDaemonBecauseItIsNotASocket() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");

        NoDaemonException e = assertThrows(NoDaemonException.class, () -> QueryClient.open(file, LinuxKit.MODE_DUMP));

        assertEquals("no memlogd at " + file + ": not a socket", e.getMessage());
    }

    @Test
    void socketFileNobodyListensOnIsNoDaemon() throws IOException {
        server.close();
        // The JDK leaves the socket file behind when a Unix server channel closes.
        assertTrue(Files.exists(path));

        NoDaemonException e = assertThrows(NoDaemonException.class, () -> QueryClient.open(path, LinuxKit.MODE_DUMP));

        assertTrue(e.reason().startsWith("connection refused"), e.getMessage());
    }

    @Test
    void modeQueryWithoutARequestIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> QueryClient.open(path, LinuxKit.MODE_QUERY));
    }

    private static List<String> readAll(QueryClient client) throws IOException {
        List<String> lines = new java.util.ArrayList<>();
        for (String line = client.readLine(); line != null; line = client.readLine()) {
            lines.add(line);
        }
        return lines;
    }
}

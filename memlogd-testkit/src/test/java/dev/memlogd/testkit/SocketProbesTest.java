package dev.memlogd.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class SocketProbesTest {
    private static final byte LINE_MODE = 3;

    @TempDir
    Path dir;

    @Test
    void datagramConnectsOnlyWhileTheSocketIsBound() throws IOException {
        Path path = dir.resolve("log.sock");
        LogSocketStandIn socket = LogSocketStandIn.bind(path);
        boolean whileBound = SocketProbes.datagramConnects(path);

        socket.close();

        assertTrue(whileBound);
        assertTrue(Files.exists(path), "the socket file stays");
        assertFalse(SocketProbes.datagramConnects(path));
    }

    @Test
    void streamAnswersWhenTheServerSendsItsReplyAndCloses() throws Exception {
        Path path = dir.resolve("q.sock");
        try (QuerySocketStandIn server = QuerySocketStandIn.bind(path, LINE_MODE)) {
            server.replyWith("{}\n");

            boolean answered = SocketProbes.streamAnswers(path, (byte) 0);

            assertTrue(answered);
            assertArrayEquals(new byte[] {0}, server.awaitRequest());
        }
    }

    @Test
    void streamDoesNotConnectOnceTheServerClosed() throws IOException {
        Path path = dir.resolve("q.sock");
        QuerySocketStandIn server = QuerySocketStandIn.bind(path, LINE_MODE);
        boolean whileListening = SocketProbes.streamConnects(path);

        server.close();

        assertTrue(whileListening);
        assertFalse(SocketProbes.streamConnects(path));
        assertFalse(SocketProbes.streamAnswers(path, (byte) 0));
    }
}

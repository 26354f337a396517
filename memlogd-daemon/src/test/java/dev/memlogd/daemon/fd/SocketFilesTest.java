package dev.memlogd.daemon.fd;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;

@Timeout(30)
class SocketFilesTest {
    @TempDir
    Path dir;

    /** Issue 10: a query path naming another daemon's live log socket replaced that socket. */
    @Test
    void liveDatagramSocketIsNotTakenForAStaleOneWhereAStreamSocketIsWanted() throws IOException {
        Path path = dir.resolve("log.sock");
        try (AFUNIXDatagramChannel other = AFUNIXDatagramChannel.open()) {
            other.bind(AFUNIXSocketAddress.of(path));

            IOException e = assertThrows(IOException.class, () -> SocketFiles.claim(path, false));

            assertTrue(e.getMessage().contains("another process is listening"), e.getMessage());
            assertTrue(Files.exists(path), "the other daemon's socket file is left alone");
        }
    }

    @Test
    void liveStreamSocketIsNotTakenWhereADatagramSocketIsWanted() throws IOException {
        Path path = dir.resolve("q.sock");
        try (ServerSocketChannel other = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            other.bind(UnixDomainSocketAddress.of(path));

            assertThrows(IOException.class, () -> SocketFiles.claim(path, true));
            assertTrue(Files.exists(path));
        }
    }

    @Test
    void socketFileNobodyAnswersOnIsReplaced() throws IOException {
        Path path = dir.resolve("stale.sock");
        try (ServerSocketChannel gone = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            gone.bind(UnixDomainSocketAddress.of(path));
        }

        SocketFiles.claim(path, false);

        assertFalse(Files.exists(path));
    }
}

package dev.memlogd.daemon.fd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketPair;
import org.newsclub.net.unix.FileDescriptorCast;

import dev.memlogd.testkit.Fifos;

@Timeout(30)
class FdChannelsTest {
    @TempDir
    Path dir;

    @Test
    void selfTestPassesOnThisJdk() throws IOException {
        FdChannels.selfTest();
    }

    @Test
    void fifoReadEndIsSelectedReadAndSeesEof() throws Exception {
        Path fifo = mkfifo(dir.resolve("f"));
        CompletableFuture<FileInputStream> reader = CompletableFuture.supplyAsync(() -> open(fifo));
        try (FileOutputStream writer = new FileOutputStream(fifo.toFile()); Selector selector = Selector.open()) {
            FileInputStream in = reader.get();
            Pipe.SourceChannel channel = FdChannels.readable(in.getFD());
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);

            writer.write("line\n".getBytes());
            writer.close();

            assertEquals("line\n", readUntilEof(selector, channel));
            channel.close();
        }
    }

    @Test
    void closingTheWrapperClosesTheFd() throws Exception {
        try (AFUNIXSocketPair<AFUNIXSocketChannel> pair = AFUNIXSocketPair.open()) {
            FileDescriptor dup = FileDescriptorCast.duplicating(pair.getSocket2().getFileDescriptor())
                    .getFileDescriptor();
            int number = FdChannels.fdNumber(dup);
            String before = FdInspector.linkTarget(number);
            Pipe.SourceChannel channel = FdChannels.readable(dup);

            channel.close();

            String after = FdInspector.linkTarget(number);
            assertTrue(before.startsWith("socket:"), before);
            assertTrue(after == null || !after.equals(before), "fd " + number + " still " + after);
        }
    }

    @Test
    void regularFileIsRefusedWithItsPath() throws Exception {
        Path file = Files.writeString(dir.resolve("plain.log"), "x");
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            String refusal = FdInspector.refusal(in.getFD(), FdChannels.fdNumber(in.getFD()));

            assertTrue(refusal.contains("regular file") && refusal.contains("plain.log"), refusal);
        }
    }

    @Test
    void devNullIsRefused() throws Exception {
        try (FileInputStream in = new FileInputStream("/dev/null")) {
            String refusal = FdInspector.refusal(in.getFD(), FdChannels.fdNumber(in.getFD()));

            assertTrue(refusal.contains("/dev/null"), refusal);
        }
    }

    @Test
    void writeEndOfFifoIsRefused() throws Exception {
        Path fifo = mkfifo(dir.resolve("w"));
        CompletableFuture<FileInputStream> reader = CompletableFuture.supplyAsync(() -> open(fifo));
        try (FileOutputStream writer = new FileOutputStream(fifo.toFile()); FileInputStream in = reader.get()) {
            String refusal = FdInspector.refusal(writer.getFD(), FdChannels.fdNumber(writer.getFD()));

            assertTrue(refusal.contains("write-only"), refusal);
            assertNull(FdInspector.refusal(in.getFD(), FdChannels.fdNumber(in.getFD())));
        }
    }

    static Path mkfifo(Path path) throws IOException {
        Fifos.make(List.of(path));
        return path;
    }

    private static FileInputStream open(Path fifo) {
        try {
            return new FileInputStream(fifo.toFile());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String readUntilEof(Selector selector, Pipe.SourceChannel channel) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64);
        while (true) {
            selector.select();
            selector.selectedKeys().clear();
            int position = buf.position();
            if (channel.read(buf) < 0) {
                return new String(buf.array(), 0, position);
            }
        }
    }
}

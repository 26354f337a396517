package dev.memlogd.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.memlogd.testkit.Await;

/**
 * {@link RelpCollector} against a RELP server played by the test on a real loopback socket: the
 * session opening, what counts as acknowledged, what breaks the connection, the window, close.
 * (rsyslog's own imrelp is the end-to-end test's, ForwardTest.)
 */
@Timeout(30)
class RelpCollectorTest {
    private static final Duration AWAIT = Duration.ofSeconds(20);
    private final AtomicInteger events = new AtomicInteger();
    private ServerSocket listener;
    private Socket server;
    private InputStream fromClient;
    private final RelpFrame.Parser parser = new RelpFrame.Parser(1 << 20);
    private final ArrayDeque<RelpFrame> frames = new ArrayDeque<>();
    private RelpCollector relp;

    @AfterEach
    void close() throws IOException {
        if (relp != null) {
            relp.close();
        }
        if (server != null) {
            server.close();
        }
        if (listener != null) {
            listener.close();
        }
    }

    /** Opens a collector with {@code window}; the test's server answers open with {@code answer}. */
    private RelpCollector open(int window, String answer) throws Exception {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        CompletableFuture<RelpCollector> opened = CompletableFuture.supplyAsync(() -> {
            try {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()));
                return RelpCollector.open(socket, "collector relp://test", window, 8192, 10_000, events::incrementAndGet);
            } catch (IOException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
        server = listener.accept();
        fromClient = server.getInputStream();
        RelpFrame open = next();
        assertEquals("1 open", open.txnr() + " " + open.command());
        String offers = new String(open.data(), StandardCharsets.US_ASCII);
        assertTrue(offers.startsWith("relp_version=0\nrelp_software=memlogd-forward,"), offers);
        assertTrue(offers.endsWith("\ncommands=syslog"), offers);
        answer(answer);
        try {
            relp = opened.join();
        } catch (CompletionException e) {
            if (e.getCause().getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        }
        return relp;
    }

    /** A {@code rsp} frame as a server writes it. */
    private static String rsp(int txnr, String data) {
        return txnr + " rsp " + data.length() + (data.isEmpty() ? "" : " " + data) + "\n";
    }

    private RelpCollector open(int window) throws Exception {
        return open(window, rsp(1, "200 OK\nrelp_version=0\nrelp_software=test\ncommands=syslog\n"));
    }

    private RelpFrame next() throws IOException {
        byte[] buffer = new byte[1];
        while (frames.isEmpty()) {
            int n = fromClient.read(buffer);
            if (n < 0) {
                throw new IOException("the client closed");
            }
            parser.feed(buffer, 0, n, frames::add);
        }
        return frames.poll();
    }

    private void answer(String raw) throws IOException {
        server.getOutputStream().write(raw.getBytes(StandardCharsets.US_ASCII));
        server.getOutputStream().flush();
    }

    private static byte[] message(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void acknowledgedCountsTheMessagesAnswered200InOrder() throws Exception {
        open(128);
        relp.send(message("<14>1 a"));
        relp.send(message("<14>1 b"));
        relp.send(message("<14>1 c"));
        relp.flush();
        assertEquals("2 syslog <14>1 a", show(next()));
        assertEquals("3 syslog <14>1 b", show(next()));
        assertEquals("4 syslog <14>1 c", show(next()));

        answer(rsp(2, "200 OK") + rsp(3, "200 OK"));

        Await.await(() -> relp.acknowledged(0) == 2, AWAIT, "two acknowledged");
        answer(rsp(4, "200 OK"));
        Await.await(() -> relp.acknowledged(0) == 3, AWAIT, "three acknowledged");
        assertNull(relp.broken());
    }

    @Test
    void aRefusedMessageBreaksTheConnectionAndKeepsWhatCameBefore() throws Exception {
        open(128);
        relp.send(message("<14>1 a"));
        relp.send(message("<14>1 b"));
        relp.flush();

        answer(rsp(2, "200 OK") + rsp(3, "500 command disabled"));

        Await.await(() -> relp.broken() != null, AWAIT, "broken");
        assertEquals("collector relp://test: refused message txnr 3: 500 command disabled", relp.broken());
        assertEquals(1, relp.acknowledged(0));
        assertEquals(1, events.get(), "onEvent once, for the break");
    }

    @Test
    void serverCloseHintBreaksTheConnection() throws Exception {
        open(128);
        relp.send(message("<14>1 a"));
        relp.flush();

        answer("0 serverclose 0\n");

        Await.await(() -> relp.broken() != null, AWAIT, "broken");
        assertEquals("collector relp://test: closed the RELP session (serverclose) with 1 messages not acknowledged",
                relp.broken());
        assertEquals(0, relp.acknowledged(0));
    }

    @Test
    void anAnswerOutOfOrderBreaksTheConnection() throws Exception {
        open(128);
        relp.send(message("<14>1 a"));
        relp.send(message("<14>1 b"));
        relp.flush();

        answer(rsp(3, "200 OK"));

        Await.await(() -> relp.broken() != null, AWAIT, "broken");
        assertTrue(relp.broken().contains("answered txnr 3 when txnr 2 was the oldest outstanding"), relp.broken());
    }

    @Test
    void theCollectorClosingIsABreak() throws Exception {
        open(128);

        server.close();

        Await.await(() -> relp.broken() != null, AWAIT, "broken");
        assertEquals("collector relp://test closed the connection", relp.broken());
    }

    @Test
    void aFullWindowHoldsTheNextMessageUntilAnAnswer() throws Exception {
        open(2);
        relp.send(message("<14>1 a"));
        relp.send(message("<14>1 b"));

        CompletableFuture<Void> third = CompletableFuture.runAsync(() -> {
            try {
                relp.send(message("<14>1 c"));
                relp.flush();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals("2 syslog <14>1 a", show(next()), "the full window is flushed before waiting");
        assertEquals("3 syslog <14>1 b", show(next()));
        assertFalse(third.isDone(), "no room until an answer");
        answer(rsp(2, "200 OK"));

        assertEquals("4 syslog <14>1 c", show(next()));
        third.join();
    }

    @Test
    void drainSendsCloseAndTrustsItsAnswerWhichComesAfterEveryOther() throws Exception {
        open(128);
        relp.send(message("<14>1 a"));
        CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> {
            try {
                return relp.drain(20_000);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals("2 syslog <14>1 a", show(next()));
        assertEquals("3 close ", show(next()));

        answer(rsp(2, "200 OK") + rsp(3, "") + "0 serverclose 0\n"); // as librelp answers close
        server.close();

        assertTrue(drained.join());
        assertEquals(1, relp.acknowledged(0));
        assertNull(relp.broken(), "the end of a drained session is no break");
    }

    @Test
    void aRefusedSessionSaysWhy() {
        IOException e = assertThrows(IOException.class,
                () -> open(128, rsp(1, "500 required command not supported by client")));

        assertEquals("collector relp://test refused the RELP session: 500 required command not supported by client",
                e.getMessage());
    }

    @Test
    void aSessionWithoutTheSyslogCommandIsRefused() {
        IOException e = assertThrows(IOException.class, () -> open(128, rsp(1, "200 OK\nrelp_version=0\ncommands=\n")));

        assertTrue(e.getMessage().contains("without relp_version or the syslog command"), e.getMessage());
    }

    private static String show(RelpFrame frame) {
        return frame.txnr() + " " + frame.command() + " " + new String(frame.data(), StandardCharsets.US_ASCII);
    }
}

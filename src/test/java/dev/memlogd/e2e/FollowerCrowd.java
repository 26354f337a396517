package dev.memlogd.e2e;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import dev.memlogd.core.wire.EntryJsonParser;
import dev.memlogd.core.wire.LogEntry;

/**
 * Many query clients of one daemon, read by one selector on the test's thread: a thousand
 * followers without a thousand threads. Each {@link Member} keeps every entry and notice it
 * was sent, parsed; a stream that ends or breaks inside a line fails the test. Not thread-safe:
 * one test thread connects, pumps and closes.
 */
final class FollowerCrowd implements AutoCloseable {
    /** One connection and what it received. */
    static final class Member {
        final int mode;
        final List<LogEntry> received = new ArrayList<>();
        private final SocketChannel channel;
        private final ByteBuffer in = ByteBuffer.allocate(64 << 10);
        private boolean ended;

        private Member(int mode, SocketChannel channel) {
            this.mode = mode;
            this.channel = channel;
        }

        /** Whether the daemon closed this connection. */
        boolean ended() {
            return ended;
        }

        /** Reads what is there, parsing whole lines; at EOF, fails if a line was left unfinished. */
        private void read() throws IOException {
            int n = channel.read(in);
            in.flip();
            int start = 0;
            for (int i = 0; i < in.limit(); i++) {
                if (in.get(i) == '\n') {
                    received.add(EntryJsonParser.parse(new String(in.array(), start, i - start, StandardCharsets.UTF_8)));
                    start = i + 1;
                }
            }
            in.position(start);
            in.compact();
            if (n < 0) {
                ended = true;
                if (in.position() > 0) {
                    throw new AssertionError("a stream ended inside a line: "
                            + new String(in.array(), 0, in.position(), StandardCharsets.UTF_8));
                }
            }
        }
    }

    private final Selector selector;
    private final List<Member> members = new ArrayList<>();

    FollowerCrowd() throws IOException {
        this.selector = Selector.open();
    }

    /** Connects one client and sends its mode byte (blocking connect, then non-blocking reads). */
    Member connect(Path querySocket, int mode) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(querySocket));
            channel.write(ByteBuffer.wrap(new byte[] {(byte) mode}));
            channel.configureBlocking(false);
            Member member = new Member(mode, channel);
            channel.register(selector, SelectionKey.OP_READ, member);
            members.add(member);
            return member;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    List<Member> members() {
        return members;
    }

    /**
     * Reads every member until {@code done} holds for all of them, running {@code nudge} (which
     * may write to a source) before each wait for data, or fails at the deadline.
     */
    void pumpUntil(Predicate<Member> done, Duration deadline, String description, Runnable nudge) throws IOException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!members.stream().allMatch(done)) {
            if (System.nanoTime() - end >= 0) {
                long behind = members.stream().filter(done.negate()).count();
                throw new AssertionError("not within " + deadline.toMillis() + " ms: " + description + "; " + behind
                        + " of " + members.size() + " members still short");
            }
            nudge.run();
            // A bounded select: the pause lets the nudge run again while nothing arrives.
            selector.select(50);
            for (SelectionKey key : selector.selectedKeys()) {
                Member member = (Member) key.attachment();
                member.read();
                if (member.ended) {
                    key.cancel();
                }
            }
            selector.selectedKeys().clear();
        }
    }

    /**
     * Closes every connection: the daemon sees each client leave. The keys are deregistered
     * first: the JDK closes a channel still registered with a selector only at that selector's
     * next select, and shuts down its writing side meanwhile, so the daemon would see a
     * half-close and keep the connection until its next write to it (docs/reliability.md).
     */
    @Override
    public void close() throws IOException {
        if (!selector.isOpen()) {
            return; // closed already: idempotent, as a Closer may close it again
        }
        IOException failure = null;
        for (SelectionKey key : selector.keys()) {
            key.cancel();
        }
        selector.selectNow(); // deregisters the cancelled keys
        for (Member member : members) {
            try {
                member.channel.close();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
        selector.close();
        members.clear();
        if (failure != null) {
            throw failure;
        }
    }
}

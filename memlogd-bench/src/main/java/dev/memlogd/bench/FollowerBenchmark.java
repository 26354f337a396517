package dev.memlogd.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.WritableByteChannel;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import dev.memlogd.core.ring.LogRing;
import dev.memlogd.core.wire.EntryEncoder;
import dev.memlogd.daemon.follow.Follower;
import dev.memlogd.daemon.follow.ReadPlan;
import dev.memlogd.daemon.loop.Clock;

/**
 * The follower path: {@value #BATCH} lines are appended to the ring (what one 16 KiB read
 * brings), then {@link Follower#pump()} encodes them into its 64 KiB buffer and writes it to
 * its channel, and the reader's end is drained, until the follower has caught up. One op =
 * one line, append included (subtract {@code LogRingBenchmark.append} for the follower alone).
 *
 * <p>{@code sink=pipe}: the channel is a real non-blocking {@link Pipe}, drained in the same
 * op with one read into a 64 KiB direct buffer (so one write and one read syscall per batch,
 * the pipe's 64 KiB holding a whole batch). {@code sink=null}: a channel that takes every
 * byte without a syscall, which leaves the encoding and the pump loop.
 *
 * <p>The ring has the daemon's default bounds and is full from setup on, so every append
 * evicts; the follower is never more than one batch behind, so it is never lapped (a lap
 * would fail the benchmark, through the lap listener).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class FollowerBenchmark {
    static final int BATCH = 160;

    /** {@code json}: a query client's stream; {@code text}: the console echo's logread lines. */
    @Param({"json", "text"})
    public String format;

    /** {@code pipe}: a real pipe drained in the op; {@code null}: a channel that drops the bytes. */
    @Param({"pipe", "null"})
    public String sink;

    /**
     * {@code entry}: every appended line gets its own time stamp; {@code read}: the
     * {@value #BATCH} lines of one op share one stamp, as the lines of one read do in the
     * daemon (Ingest stamps once per read).
     */
    @Param({"entry", "read"})
    public String stamps;

    private LogRing ring;
    private ByteBuffer line;
    private long time = BenchLines.TIME_NANOS;
    private Drain drain;
    private Follower follower;
    private boolean perEntryStamp;

    @Setup
    public void setUp() throws IOException {
        switch (stamps) {
            case "entry":
                perEntryStamp = true;
                break;
            case "read":
                perEntryStamp = false;
                break;
            default:
                throw new IllegalArgumentException("stamps must be entry or read: stamps=" + stamps);
        }
        ring = BenchLines.defaultRing();
        line = BenchLines.direct(BenchLines.plainLine(1));
        for (int i = 0; i < ring.maxLines(); i++) {
            append(i % BATCH == 0);
        }
        EntryEncoder encoder;
        switch (format) {
            case "json":
                encoder = EntryEncoder.JSON;
                break;
            case "text":
                encoder = EntryEncoder.LOGREAD;
                break;
            default:
                throw new IllegalArgumentException("format must be json or text: format=" + format);
        }
        switch (sink) {
            case "pipe":
                drain = new PipeDrain();
                break;
            case "null":
                drain = new NullSink();
                break;
            default:
                throw new IllegalArgumentException("sink must be pipe or null: sink=" + sink);
        }
        follower = new Follower("benchmark follower", drain.channel(), ring, ReadPlan.followFromNow(ring), encoder,
                BenchLines.CLIENT_BUFFER, new Clock(), new Follower.Owner() {
                    @Override
                    public void lapped(Follower f, long missed, int laps) {
                        throw new IllegalStateException("follower lapped in a benchmark: missed=" + missed);
                    }

                    @Override
                    public void finished(Follower f) {
                        throw new IllegalStateException("follower ended in a benchmark");
                    }

                    @Override
                    public boolean hungUp(SelectableChannel channel) {
                        throw new IllegalStateException("EOF from the sink of a benchmark");
                    }
                });
    }

    @TearDown
    public void tearDown() throws IOException {
        drain.channel().close();
    }

    /** Appends one line; its time moves on for every line, or only for the first of a read. */
    private void append(boolean firstOfRead) {
        if (perEntryStamp || firstOfRead) {
            time += BenchLines.TIME_STEP_NANOS;
        }
        ring.append(time, BenchLines.SOURCE, BenchLines.SOURCE.length, line, 0, BenchLines.LINE_LENGTH, 0);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long appendAndPump() throws IOException {
        for (int i = 0; i < BATCH; i++) {
            append(i == 0);
        }
        long received = 0;
        do {
            if (follower.pump()) {
                throw new IllegalStateException("follower ended: its channel failed");
            }
            received += drain.drain();
        } while (follower.waitsForWritable() || follower.nextSeq() != ring.nextSeq());
        return received;
    }

    /** The follower's channel and the reader at its other end. */
    private interface Drain {
        SelectableChannel channel();

        /** Reads what the follower wrote since the last call; returns the byte count. */
        int drain() throws IOException;
    }

    private static final class PipeDrain implements Drain {
        private final Pipe pipe;
        private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 << 10);

        PipeDrain() throws IOException {
            pipe = Pipe.open();
            pipe.sink().configureBlocking(false);
            pipe.source().configureBlocking(false);
        }

        @Override
        public SelectableChannel channel() {
            return pipe.sink();
        }

        @Override
        public int drain() throws IOException {
            int total = 0;
            int n;
            // A read that does not fill the buffer has emptied the pipe (no other writer).
            do {
                n = pipe.source().read(readBuffer.clear());
                total += Math.max(n, 0);
            } while (n == readBuffer.capacity());
            return total;
        }
    }

    /** Takes every byte at once, without a syscall; counts them. */
    private static final class NullSink extends AbstractSelectableChannel implements WritableByteChannel, Drain {
        private int written;

        NullSink() {
            super(SelectorProvider.provider());
        }

        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            src.position(src.limit());
            written += n;
            return n;
        }

        @Override
        public SelectableChannel channel() {
            return this;
        }

        @Override
        public int drain() {
            int n = written;
            written = 0;
            return n;
        }

        @Override
        public int validOps() {
            return SelectionKey.OP_WRITE;
        }

        @Override
        protected void implCloseSelectableChannel() {
        }

        @Override
        protected void implConfigureBlocking(boolean block) {
        }
    }
}

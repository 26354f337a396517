package dev.memlogd.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import dev.memlogd.core.ring.LogRing;
import dev.memlogd.daemon.ingest.LineSplitter;
import dev.memlogd.daemon.loop.Clock;
import dev.memlogd.daemon.ingest.Source;

/**
 * The ingest path of one source read: {@link LineSplitter} cutting a 16 KiB read into lines,
 * alone and with each line appended to the ring as {@code Ingest.line} does. One op = one
 * line.
 *
 * <p>Every read is the same {@value #READ_CHUNK}-byte chunk, built so that consecutive reads
 * form one stream: the chunk starts with the end of a line begun in the previous read
 * ({@value #SPAN_TAIL} bytes with its newline), then holds {@value #WHOLE_LINES} lines of
 * 100 bytes plus newline, and ends with the first {@value #SPAN_HEAD} bytes of the next line.
 * So each read yields {@value #LINES_PER_READ} lines, one of which (122 bytes) spans two
 * reads and goes through the source's pending buffer. Setup splits one chunk first, so that
 * every measured read starts with a pending partial line, as in a steady stream.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LineSplitterBenchmark {
    static final int READ_CHUNK = BenchLines.READ_CHUNK;
    static final int WHOLE_LINES = 161;
    static final int SPAN_HEAD = 61;
    static final int SPAN_TAIL = READ_CHUNK - WHOLE_LINES * (BenchLines.LINE_LENGTH + 1) - SPAN_HEAD;
    static final int LINES_PER_READ = WHOLE_LINES + 1;

    static {
        if (SPAN_TAIL != 62) {
            throw new AssertionError("chunk layout changed: SPAN_TAIL=" + SPAN_TAIL);
        }
    }

    /** The chunk described in the class Javadoc, in a direct buffer as the daemon's read buffer is. */
    static ByteBuffer chunk() {
        ByteBuffer chunk = ByteBuffer.allocateDirect(READ_CHUNK);
        byte[] span = BenchLines.plainLine(999_999);
        // Tail of the spanning line: 61 more message bytes, then its newline.
        chunk.put(span, 0, SPAN_TAIL - 1).put((byte) '\n');
        for (int i = 0; i < WHOLE_LINES; i++) {
            chunk.put(BenchLines.plainLine(i)).put((byte) '\n');
        }
        chunk.put(span, 0, SPAN_HEAD);
        if (chunk.hasRemaining()) {
            throw new AssertionError("chunk not full: remaining=" + chunk.remaining());
        }
        return chunk.flip();
    }

    static Source source() {
        // No fd: the splitter only uses the name and the line assembly state.
        return Source.unattached("onboot.sysctl.out", BenchLines.SOURCE);
    }

    /** Splitting alone: the sink only adds up what it is given. */
    @State(Scope.Thread)
    public static class Split implements LineSplitter.LineSink {
        ByteBuffer chunk;
        Source source;
        LineSplitter splitter;
        long lines;
        long bytes;
        int flags;

        @Setup
        public void setUp() {
            chunk = chunk();
            source = source();
            splitter = new LineSplitter(BenchLines.MAX_LINE_LENGTH, this);
            splitter.split(source, chunk.clear());
        }

        @Override
        public void line(Source source, ByteBuffer data, int index, int length, int flags) {
            lines++;
            bytes += length + index;
            this.flags |= flags;
        }
    }

    /** Splitting into the ring, stamped with one clock read per read, as {@code Ingest} does. */
    @State(Scope.Thread)
    public static class Ingest implements LineSplitter.LineSink {
        ByteBuffer chunk;
        Source source;
        LineSplitter splitter;
        LogRing ring;
        final Clock clock = new Clock();
        long lineStamp;

        @Setup
        public void setUp() {
            chunk = chunk();
            source = source();
            ring = BenchLines.defaultRing();
            splitter = new LineSplitter(BenchLines.MAX_LINE_LENGTH, this);
            // Fill the ring past its 5000 lines, so every measured append evicts.
            while (ring.size() < ring.maxLines()) {
                read(chunk.clear());
            }
        }

        void read(ByteBuffer data) {
            lineStamp = clock.nowNanos();
            splitter.split(source, data);
        }

        // What Ingest.line does.
        @Override
        public void line(Source source, ByteBuffer data, int index, int length, int flags) {
            ring.append(lineStamp, source.nameBytes(), source.nameBytes().length, data, index, length, flags);
        }
    }

    /**
     * {@link Ingest} fed through a real {@link Pipe}: each op writes the chunk into the pipe and
     * reads it back into a 16 KiB direct read buffer first (two syscalls per read; in the
     * daemon the write is the source's, in another process).
     */
    @State(Scope.Thread)
    public static class PipeIngest extends Ingest {
        Pipe pipe;
        ByteBuffer readBuffer;

        @Setup
        public void openPipe() throws IOException {
            pipe = Pipe.open();
            pipe.sink().configureBlocking(false);
            pipe.source().configureBlocking(false);
            readBuffer = ByteBuffer.allocateDirect(READ_CHUNK);
        }

        @TearDown
        public void closePipe() throws IOException {
            pipe.sink().close();
            pipe.source().close();
        }

        void readThroughPipe() throws IOException {
            int written = pipe.sink().write(chunk.clear());
            int read = pipe.source().read(readBuffer.clear());
            if (written != READ_CHUNK || read != READ_CHUNK) {
                throw new IllegalStateException("pipe moved part of a chunk: written=" + written + ", read=" + read);
            }
            read(readBuffer.flip());
        }
    }

    @Benchmark
    @OperationsPerInvocation(LINES_PER_READ)
    public long split(Split state) {
        state.splitter.split(state.source, state.chunk.clear());
        return state.bytes;
    }

    @Benchmark
    @OperationsPerInvocation(LINES_PER_READ)
    public long splitIntoRing(Ingest state) {
        state.read(state.chunk.clear());
        return state.ring.nextSeq();
    }

    @Benchmark
    @OperationsPerInvocation(LINES_PER_READ)
    public long pipeReadSplitIntoRing(PipeIngest state) throws IOException {
        state.readThroughPipe();
        return state.ring.nextSeq();
    }
}

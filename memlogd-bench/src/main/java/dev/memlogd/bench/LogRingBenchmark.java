package dev.memlogd.bench;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import dev.memlogd.core.ring.LogRing;
import dev.memlogd.core.ring.RecordDescriptor;
import dev.memlogd.core.ring.RingCursor;

/**
 * {@link LogRing#append} and {@link RingCursor} reads, one op = one line, on a ring with the
 * daemon's default bounds (5000 lines, 8 MiB) that is already full: every append evicts the
 * oldest entry, and every ~50,000 appends the tail wraps with a padding record.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LogRingBenchmark {
    /** Entries a follower typically reads per round in these benchmarks (one 16 KiB read of 100-byte lines). */
    static final int BATCH = 160;

    @State(Scope.Thread)
    public static class Ingest {
        LogRing ring;
        /** Direct, like the daemon's read buffer. */
        ByteBuffer line;
        long time = BenchLines.TIME_NANOS;

        @Setup
        public void setUp() {
            ring = BenchLines.defaultRing();
            line = BenchLines.direct(BenchLines.plainLine(1));
            // Fill the ring so that the measurement starts in the evicting steady state.
            for (int i = 0; i < ring.maxLines(); i++) {
                append();
            }
        }

        long append() {
            time += BenchLines.TIME_STEP_NANOS;
            return ring.append(time, BenchLines.SOURCE, BenchLines.SOURCE.length, line, 0, BenchLines.LINE_LENGTH, 0);
        }
    }

    @State(Scope.Thread)
    public static class Held {
        LogRing ring;
        RingCursor cursor;

        @Setup
        public void setUp() {
            Ingest ingest = new Ingest();
            ingest.setUp();
            ring = ingest.ring;
            cursor = new RingCursor(ring, ring.nextSeq() - BATCH);
        }
    }

    /** One append into the full ring: header, source and 100-byte message copied, one entry evicted. */
    @Benchmark
    public long append(Ingest state) {
        return state.append();
    }

    /**
     * A follower's walk over the newest {@value #BATCH} entries: hasNext, record offset, the
     * header fields an encoder reads first, advance. Per entry.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void cursorRead(Held state, Blackhole bh) {
        RingCursor cursor = state.cursor;
        ByteBuffer records = state.ring.buffer();
        cursor.seek(state.ring.nextSeq() - BATCH);
        while (cursor.hasNext()) {
            int offset = cursor.nextRecordOffset();
            bh.consume(records.getLong(RecordDescriptor.seqOffset(offset)));
            bh.consume(records.getInt(RecordDescriptor.msgLengthOffset(offset)));
            cursor.advance();
        }
    }
}

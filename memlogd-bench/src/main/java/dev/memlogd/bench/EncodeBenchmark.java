package dev.memlogd.bench;

import java.nio.ByteBuffer;
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

import dev.memlogd.core.ring.LogRing;
import dev.memlogd.core.wire.EntryJsonEncoder;
import dev.memlogd.core.wire.LogreadFormat;
import dev.memlogd.core.wire.TimeText;

/**
 * Encoding one ring record for a reader: the JSON line a query client gets
 * ({@link EntryJsonEncoder#encode}) and the logread line the console gets
 * ({@link LogreadFormat#encode}), each formatting every time ({@code entryJson},
 * {@code logread}) or through a {@link TimeText} cache as a follower does
 * ({@code entryJsonCached}, {@code logreadCached}). One op = one entry; each invocation
 * encodes {@value #BATCH} different records into a direct buffer, as a follower does.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class EncodeBenchmark {
    static final int BATCH = 160;

    /** {@code plain}: ASCII that needs no escape; {@code escaped}: {@code " \ < > &}, a tab, UTF-8. */
    @Param({"plain", "escaped"})
    public String content;

    /**
     * {@code entry}: each record has its own time stamp (a source that writes one line per
     * read, so the formatted time can never be reused); {@code read}: the whole batch shares
     * one stamp, as lines that came in one read of a busy source do (Ingest stamps once per read).
     */
    @Param({"entry", "read"})
    public String stamps;

    private ByteBuffer records;
    private final int[] offsets = new int[BATCH];
    /** Direct like a follower's buffer, and large enough for the worst case of the whole batch. */
    private ByteBuffer out;
    /** A follower's time cache, kept across invocations as a follower keeps it across reads. */
    private final TimeText timeText = new TimeText();

    @Setup
    public void setUp() {
        LogRing ring = BenchLines.defaultRing();
        if (!stamps.equals("entry") && !stamps.equals("read")) {
            throw new IllegalArgumentException("stamps must be entry or read: stamps=" + stamps);
        }
        long time = BenchLines.TIME_NANOS;
        for (int i = 0; i < BATCH; i++) {
            if (i == 0 || stamps.equals("entry")) {
                time += BenchLines.TIME_STEP_NANOS;
            }
            ByteBuffer line = BenchLines.direct(BenchLines.line(content, i));
            long seq = ring.append(time, BenchLines.SOURCE, BenchLines.SOURCE.length, line, 0, BenchLines.LINE_LENGTH, 0);
            offsets[i] = ring.recordOffset(seq);
        }
        records = ring.buffer();
        int worst = Math.max(EntryJsonEncoder.maxEncodedLength(BenchLines.SOURCE.length, BenchLines.LINE_LENGTH),
                LogreadFormat.maxEncodedLength(BenchLines.SOURCE.length, BenchLines.LINE_LENGTH));
        out = ByteBuffer.allocateDirect(BATCH * worst);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int entryJson() {
        ByteBuffer out = this.out.clear();
        for (int offset : offsets) {
            EntryJsonEncoder.encode(records, offset, out);
        }
        return out.position();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int logread() {
        ByteBuffer out = this.out.clear();
        for (int offset : offsets) {
            LogreadFormat.encode(records, offset, out);
        }
        return out.position();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int entryJsonCached() {
        ByteBuffer out = this.out.clear();
        for (int offset : offsets) {
            EntryJsonEncoder.encode(records, offset, out, timeText);
        }
        return out.position();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int logreadCached() {
        ByteBuffer out = this.out.clear();
        for (int offset : offsets) {
            LogreadFormat.encode(records, offset, out, timeText);
        }
        return out.position();
    }
}

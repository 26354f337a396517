package dev.memlogd.daemon.follow;

import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.memlogd.core.ring.LogRing;
import dev.memlogd.core.ring.RecordDescriptor;
import dev.memlogd.core.wire.LinuxKit;

/**
 * When ingest must wait for readers: plain logic over the ring and the readers, no I/O.
 *
 * <p>A reader that keeps taking data <em>holds</em> ingest: the daemon appends a line only if
 * the ring has room for it without evicting an entry a holding reader has not been sent
 * ({@link LogRing#room}, counting every entry as the largest possible record), keeping
 * {@link #OWN_ENTRY_RESERVE} entries free for the daemon's own messages. A reader that has
 * had data to send but whose channel took nothing for {@code -client-wait} ms stops holding
 * (it is lapped if the ring needs the room, and told); it holds again once caught up. With
 * {@code -client-wait 0} nothing ever holds: LinuxKit's behaviour.
 *
 * <p>Holding is also bounded in pace: a reader that keeps taking a little, just often enough
 * for {@code -client-wait}, would pace every writer to its own speed. So while a holding reader
 * is behind, what it takes is measured in windows of {@code -hold-min-time}; at the end of a
 * window in which it took fewer than {@code -hold-min-rate} entries a second and ingest waits
 * for it, it stops holding (and is told) until it catches up.
 */
public final class HoldPolicy {
    /** Entries left free for the daemon's own messages when ingest waits for a reader. */
    public static final int OWN_ENTRY_RESERVE = 8;

    /** What the policy needs to know of a reader. */
    public interface Reader {
        /** Whether ingest must not evict what this reader has not been sent. */
        boolean holdsIngest();

        /** Whether it has bytes its channel has not taken yet. */
        boolean waitsForWritable();

        /** Last time its channel took bytes, or it had nothing to send ({@link System#nanoTime()}). */
        long lastProgressNanos();

        /** The next seq it will send. */
        long nextSeq();

        /** Stops holding ingest until it has caught up. */
        void stopHolding();

        /** Its pace while behind; the reader stops it when it catches up. */
        Pace pace();
    }

    /** Told when a reader stops holding ingest. */
    public interface Releases {
        /** Its channel took nothing for {@code -client-wait}. */
        void tookNothing(Reader reader);

        /** It took {@code entries} in {@code nanos} while behind, fewer than {@code -hold-min-rate} a second. */
        void tooSlow(Reader reader, long entries, long nanos);
    }

    private final LogRing ring;
    private final int maxRecordLength;
    private final int ownEntryReserve;
    private final long clientWaitNanos;
    private final long minRate;
    private final long minTimeNanos;

    private HoldPolicy(LogRing ring, int maxRecordLength, int ownEntryReserve, long clientWaitNanos, long minRate,
            long minTimeNanos) {
        this.ring = ring;
        this.maxRecordLength = maxRecordLength;
        this.ownEntryReserve = ownEntryReserve;
        this.clientWaitNanos = clientWaitNanos;
        this.minRate = minRate;
        this.minTimeNanos = minTimeNanos;
    }

    /** A policy with no pace bound: {@link #of(LogRing, int, long, long, long)} with {@code -hold-min-rate 0}. */
    public static HoldPolicy of(LogRing ring, int maxLineLength, long clientWaitMillis) {
        return of(ring, maxLineLength, clientWaitMillis, 0, 1);
    }

    /**
     * @param maxLineLength    {@code -max-line-len}: with the longest source name, the largest record
     * @param clientWaitMillis {@code -client-wait}; 0 never holds ingest
     * @param minRate          {@code -hold-min-rate}: entries a second a holding reader must take while
     *                         behind; 0 for no bound
     * @param minTimeMillis    {@code -hold-min-time}: the window that rate is measured over
     */
    public static HoldPolicy of(LogRing ring, int maxLineLength, long clientWaitMillis, long minRate,
            long minTimeMillis) {
        int maxRecordLength = RecordDescriptor.alignedLength(
                RecordDescriptor.recordLength(LinuxKit.MAX_NAME_LEN, maxLineLength));
        // Keep a caught-up reader's room positive even in a tiny ring, or ingest would wait for ever.
        long roomCaughtUp = ring.room(ring.nextSeq(), maxRecordLength);
        int reserve = (int) Math.max(0, Math.min(OWN_ENTRY_RESERVE, roomCaughtUp - 1));
        long wait = roomCaughtUp >= 1 ? TimeUnit.MILLISECONDS.toNanos(clientWaitMillis) : 0;
        return new HoldPolicy(ring, maxRecordLength, reserve, wait, minRate,
                TimeUnit.MILLISECONDS.toNanos(minTimeMillis));
    }

    /** Whether readers may hold ingest at all. */
    public boolean enabled() {
        return clientWaitNanos > 0;
    }

    /**
     * How many entries may be appended now without evicting one that a holding reader has not
     * been sent. First releases every holding reader that has taken nothing for
     * {@code -client-wait}, or too little for a {@code -hold-min-time} window while ingest
     * waits for it, telling {@code released} about each.
     *
     * @return at most {@link Long#MAX_VALUE} (nothing holds); 0 or less: ingest must wait
     */
    public long budget(List<? extends Reader> readers, long nowNanos, Releases released) {
        if (clientWaitNanos == 0) {
            return Long.MAX_VALUE;
        }
        long keep = Long.MAX_VALUE;
        for (int i = 0; i < readers.size(); i++) {
            Reader reader = readers.get(i);
            if (!reader.holdsIngest()) {
                continue;
            }
            if (reader.waitsForWritable() && nowNanos - reader.lastProgressNanos() >= clientWaitNanos) {
                reader.stopHolding();
                released.tookNothing(reader);
                continue;
            }
            if (minRate > 0 && reader.waitsForWritable() && tooSlow(reader, nowNanos, released)) {
                continue;
            }
            keep = Math.min(keep, reader.nextSeq());
        }
        return keep == Long.MAX_VALUE ? Long.MAX_VALUE : ring.room(keep, maxRecordLength) - ownEntryReserve;
    }

    /**
     * Measures a holding reader that is behind; at the end of a window, releases it if it took
     * fewer than {@code -hold-min-rate} entries a second and ingest waits for it now.
     *
     * @return whether it was released
     */
    private boolean tooSlow(Reader reader, long nowNanos, Releases released) {
        Pace pace = reader.pace();
        if (!pace.measuring()) {
            pace.start(nowNanos, reader.nextSeq());
            return false;
        }
        long elapsed = nowNanos - pace.startNanos();
        if (elapsed < minTimeNanos) {
            return false;
        }
        long taken = reader.nextSeq() - pace.startSeq();
        boolean slow = taken < (double) minRate * elapsed / TimeUnit.SECONDS.toNanos(1);
        boolean holdsIngestBack = ring.room(reader.nextSeq(), maxRecordLength) - ownEntryReserve <= 0;
        if (slow && holdsIngestBack) {
            pace.stop();
            reader.stopHolding();
            released.tooSlow(reader, taken, elapsed);
            return true;
        }
        pace.start(nowNanos, reader.nextSeq());
        return false;
    }

    /**
     * When the first holding reader that waits for its channel stops holding, if its channel
     * takes nothing until then, or its pace is next judged: the latest the loop may sleep while
     * ingest waits.
     *
     * @return a {@link System#nanoTime()} value, or {@link Long#MAX_VALUE} for none
     */
    public long releaseDeadline(List<? extends Reader> readers) {
        long deadline = Long.MAX_VALUE;
        for (int i = 0; i < readers.size(); i++) {
            Reader reader = readers.get(i);
            if (reader.holdsIngest() && reader.waitsForWritable()) {
                deadline = Math.min(deadline, reader.lastProgressNanos() + clientWaitNanos);
                if (minRate > 0 && reader.pace().measuring()) {
                    deadline = Math.min(deadline, reader.pace().startNanos() + minTimeNanos);
                }
            }
        }
        return deadline;
    }
}

package dev.memlogd.core.ring;

/**
 * One follower's read position in a {@link LogRing}: a sequence number, nothing copied.
 *
 * <h2>Important notes</h2>
 * <ul>
 *   <li><b>Single-threaded: call only from the ring's owner thread.</b></li>
 *   <li>The ring never waits for a cursor. Entries evicted before the cursor read them are
 *       lost; {@link #lapped()} counts them and {@link #skipLapped()} moves past them, so
 *       the follower can be told how many it missed.</li>
 *   <li>Reading: {@code while (hasNext()) { offset = nextRecordOffset(); read the record
 *       from ring.buffer() at offset; advance(); }}. Finish reading a record before the
 *       next {@link LogRing#append}, which may overwrite it.</li>
 * </ul>
 */
public final class RingCursor {
    private final LogRing ring;
    private long nextSeq;

    /**
     * @param ring    the ring to read
     * @param nextSeq first sequence number to read, in {@code [1, ring.nextSeq()]}; a value
     *                below {@code ring.oldestSeq()} makes the cursor lapped at once
     * @throws IllegalArgumentException if {@code nextSeq} is out of range
     */
    public RingCursor(LogRing ring, long nextSeq) {
        this.ring = ring;
        seek(nextSeq);
    }

    /** Sequence number this cursor reads next. */
    public long nextSeq() {
        return nextSeq;
    }

    /**
     * Moves the cursor.
     *
     * @param seq next sequence number to read, in {@code [1, ring.nextSeq()]}
     * @throws IllegalArgumentException if {@code seq} is out of range
     */
    public void seek(long seq) {
        if (seq < 1 || seq > ring.nextSeq()) {
            throw new IllegalArgumentException("seq out of range: seq=" + seq
                    + ", ring.nextSeq=" + ring.nextSeq());
        }
        nextSeq = seq;
    }

    /** Entries evicted before this cursor read them: {@code ring.oldestSeq() - nextSeq()}, or 0. */
    public long lapped() {
        return Math.max(0, ring.oldestSeq() - nextSeq);
    }

    /**
     * If lapped, moves to {@code ring.oldestSeq()}.
     *
     * @return the number of entries skipped, 0 if not lapped
     */
    public long skipLapped() {
        long missed = lapped();
        if (missed > 0) {
            nextSeq = ring.oldestSeq();
        }
        return missed;
    }

    /** Whether the entry at {@link #nextSeq()} is held: appended and not evicted. */
    public boolean hasNext() {
        return nextSeq < ring.nextSeq() && nextSeq >= ring.oldestSeq();
    }

    /**
     * Offset in {@code ring.buffer()} of the record at {@link #nextSeq()}; does not move.
     *
     * @throws IllegalStateException if {@link #hasNext()} is false
     */
    public int nextRecordOffset() {
        if (!hasNext()) {
            throw new IllegalStateException("no entry to read: nextSeq=" + nextSeq
                    + ", ring.oldestSeq=" + ring.oldestSeq() + ", ring.nextSeq=" + ring.nextSeq());
        }
        return ring.recordOffset(nextSeq);
    }

    /**
     * Moves to the next sequence number.
     *
     * @throws IllegalStateException if the cursor has caught up with the ring
     */
    public void advance() {
        if (nextSeq >= ring.nextSeq()) {
            throw new IllegalStateException("cannot advance past the ring's tail: nextSeq="
                    + nextSeq + ", ring.nextSeq=" + ring.nextSeq());
        }
        nextSeq++;
    }
}

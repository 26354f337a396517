package dev.memlogd.daemon.follow;

import dev.memlogd.core.ring.LogRing;
import dev.memlogd.core.wire.QueryRequest;

/**
 * What one reader reads of the ring: where it starts, whether it follows or stops at the end
 * of its dump, which sources and levels, and the gap (if any) between what it asked for and what the
 * ring still holds, which it is told about before its first entry.
 *
 * @param startSeq   the first entry to send (or to consider, with a source filter)
 * @param follow     whether it goes on with new entries for ever; if not, it ends at {@code dumpEndSeq}
 * @param dumpEndSeq the first seq not sent to a dump-only reader (the ring's next seq when it asked)
 * @param sources    the sources it wants
 * @param levels     the severity it wants (an entry must match both filters)
 * @param gap        what it must be told first
 * @param identity   the daemon's identity, to send before anything else; null when not asked for
 */
public record ReadPlan(long startSeq, boolean follow, long dumpEndSeq, SourceFilter sources, LevelFilter levels,
        Gap gap, String identity) {

    /** The difference between where a reader asked to resume and what it will get. */
    public sealed interface Gap {
        /** The notice the reader gets before its first entry, or null for none. */
        String notice();

        /** Entries it will not get, for the notice's {@code lost} field; -1 when unknown. */
        long lost();

        /**
         * This gap as seen by a request that wanted at most {@code wanted} of the missing
         * entries (a {@code tail}): the entries it excluded are not lost to it.
         */
        Gap wanting(long wanted);
    }

    /** Nothing missing. */
    public record NoGap() implements Gap {
        @Override
        public String notice() {
            return null;
        }

        @Override
        public long lost() {
            return 0;
        }

        @Override
        public Gap wanting(long wanted) {
            return this;
        }
    }

    /** The entries after {@code afterSeq} up to the oldest held one were evicted before the request. */
    public record Evicted(long afterSeq, long count) implements Gap {
        @Override
        public String notice() {
            return count + " entries after seq " + afterSeq + " were evicted before this request;"
                    + " continuing with the oldest entry held";
        }

        @Override
        public long lost() {
            return count;
        }

        @Override
        public Gap wanting(long wanted) {
            return wanted <= 0 ? NO_GAP : new Evicted(afterSeq, Math.min(count, wanted));
        }
    }

    /** {@code afterSeq} was never given out by this daemon: it restarted since the reader saw it. */
    public record UnknownSeq(long afterSeq) implements Gap {
        @Override
        public String notice() {
            return "seq " + afterSeq + " was never given out by this memlogd (it restarted);"
                    + " sending every entry held";
        }

        @Override
        public long lost() {
            return -1;
        }

        @Override
        public Gap wanting(long wanted) {
            return this;
        }
    }

    /**
     * The request's {@code after} was given out by another daemon, which this one replaced: what
     * that daemon held after it is gone, and this daemon's stream is sent from its oldest entry.
     */
    public record Restarted(String previousDaemon, long afterSeq, long evicted) implements Gap {
        @Override
        public String notice() {
            return "memlogd restarted: entries after seq " + afterSeq + " of the previous daemon (" + previousDaemon
                    + ") may be missing" + (evicted > 0 ? "; the first " + evicted + " entries of this one were"
                    + " evicted before this request" : "") + "; continuing with the oldest entry held";
        }

        /** This daemon's entries evicted before the request; what the old one lost is unknown. */
        @Override
        public long lost() {
            return evicted > 0 ? evicted : -1;
        }

        /** Still said: the reader's seqs are another daemon's, whatever it wanted of them. */
        @Override
        public Gap wanting(long wanted) {
            return new Restarted(previousDaemon, afterSeq, Math.max(0, Math.min(evicted, wanted)));
        }
    }

    private static final Gap NO_GAP = new NoGap();

    /** Every new entry from now on, of every source (the console echo). */
    public static ReadPlan followFromNow(LogRing ring) {
        return new ReadPlan(ring.nextSeq(), true, ring.nextSeq(), SourceFilter.ALL, LevelFilter.ALL, NO_GAP, null);
    }

    /**
     * What a query client's request asks for, in the ring as it is now.
     *
     * @param daemon this daemon's identity
     */
    public static ReadPlan of(QueryRequest request, LogRing ring, String daemon) {
        SourceFilter sources = SourceFilter.of(request.sources());
        LevelFilter levels = LevelFilter.of(request.level());
        long oldest = ring.oldestSeq();
        long next = ring.nextSeq();
        long start = oldest;
        Gap gap = NO_GAP;
        if (!request.dump()) {
            start = next;
        } else if (request.after() >= 0) {
            if (request.daemon() != null && !request.daemon().equals(daemon)) {
                gap = new Restarted(request.daemon(), request.after(), oldest - 1);
            } else if (request.after() >= next) {
                gap = new UnknownSeq(request.after());
            } else if (request.after() + 1 < oldest) {
                gap = new Evicted(request.after(), oldest - (request.after() + 1));
            } else {
                start = request.after() + 1;
            }
        }
        if (request.dump() && request.tail() >= 0) {
            Tail tail = Tail.of(request.tail(), ring, sources, levels);
            start = Math.max(start, tail.startSeq());
            // Only the last entries were asked for: of the evicted ones, it misses at most
            // those the held ones fall short of (none when the ring holds the whole tail).
            gap = gap.wanting(tail.shortBy());
        }
        return new ReadPlan(start, request.follow(), next, sources, levels, gap, request.identity() ? daemon : null);
    }

    /**
     * The last entries of the wanted sources and levels that the ring holds.
     *
     * @param startSeq the seq from which they are held
     * @param shortBy  how many of the count asked for the ring does not hold (0: all of them)
     */
    private record Tail(long startSeq, long shortBy) {
        static Tail of(int count, LogRing ring, SourceFilter sources, LevelFilter levels) {
            long seq = ring.nextSeq();
            int found = 0;
            while (found < count && seq > ring.oldestSeq()) {
                seq--;
                int offset = ring.recordOffset(seq);
                if (sources.matches(ring.buffer(), offset) && levels.matches(ring.buffer(), offset)) {
                    found++;
                }
            }
            return new Tail(found < count ? ring.oldestSeq() : seq, count - found);
        }
    }
}

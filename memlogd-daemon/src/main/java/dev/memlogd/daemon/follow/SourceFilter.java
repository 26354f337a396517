package dev.memlogd.daemon.follow;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.memlogd.core.ring.RecordDescriptor;

/** The sources a reader asked for, matched against ring records without allocating. */
public final class SourceFilter {
    /** Every source: what a reader gets unless it names some. */
    public static final SourceFilter ALL = new SourceFilter(null);

    /** The wanted names as stored in records, or null for every source. */
    private final byte[][] names;

    private SourceFilter(byte[][] names) {
        this.names = names;
    }

    /** A filter for these source names; {@link #ALL} when the list is empty. */
    public static SourceFilter of(List<String> sources) {
        if (sources.isEmpty()) {
            return ALL;
        }
        byte[][] names = new byte[sources.size()][];
        for (int i = 0; i < names.length; i++) {
            names[i] = sources.get(i).getBytes(StandardCharsets.UTF_8);
        }
        return new SourceFilter(names);
    }

    /** Whether the record at {@code recordOffset} comes from one of the sources. */
    public boolean matches(ByteBuffer records, int recordOffset) {
        if (names == null) {
            return true;
        }
        int length = records.getInt(RecordDescriptor.sourceLengthOffset(recordOffset));
        int from = RecordDescriptor.sourceOffset(recordOffset);
        for (byte[] wanted : names) {
            if (wanted.length == length && sameBytes(records, from, wanted)) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameBytes(ByteBuffer records, int from, byte[] wanted) {
        for (int i = 0; i < wanted.length; i++) {
            if (records.get(from + i) != wanted[i]) {
                return false;
            }
        }
        return true;
    }
}

package dev.memlogd.daemon;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.memlogd.core.ring.RecordDescriptor;

/** The sources a query asked for, matched against ring records without allocating. */
final class SourceFilter {
    private final byte[][] names;

    private SourceFilter(byte[][] names) {
        this.names = names;
    }

    /** A filter for these source names, or null (everything) when the list is empty. */
    static SourceFilter of(List<String> sources) {
        if (sources.isEmpty()) {
            return null;
        }
        byte[][] names = new byte[sources.size()][];
        for (int i = 0; i < names.length; i++) {
            names[i] = sources.get(i).getBytes(StandardCharsets.UTF_8);
        }
        return new SourceFilter(names);
    }

    /** Whether the record at {@code recordOffset} comes from one of the sources. */
    boolean matches(ByteBuffer records, int recordOffset) {
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

package dev.memlogd.e2e;

/**
 * {@link JsonEntryContract} against a daemon that reads at most 3 bytes per read
 * ({@code -read-chunk 3}): every line spans reads, so the line splitter assembles each one
 * from pieces, and a {@code \r\n} or a cut UTF-8 character can fall across two reads.
 */
class JsonEntrySplitReadsTest extends JsonEntryContract {
    @Override
    String[] flags() {
        return new String[] {"-max-line-len", Integer.toString(MAX_LINE_LEN), "-read-chunk", "3"};
    }
}

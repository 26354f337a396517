package dev.memlogd.e2e;

/** {@link JsonEntryContract} against a daemon that reads up to its default 16 KiB per read: most lines arrive whole. */
class JsonEntryTest extends JsonEntryContract {
    @Override
    String[] flags() {
        return new String[] {"-max-line-len", Integer.toString(MAX_LINE_LEN)};
    }
}

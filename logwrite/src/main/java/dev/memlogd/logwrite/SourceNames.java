package dev.memlogd.logwrite;

import dev.memlogd.core.logdir.Checkpoint;
import dev.memlogd.core.logdir.LogFileNames;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Source names as they arrive (UTF-8 bytes) to their file names ({@link LogFileNames}), without a
 * String per line: a source seen before is found by its bytes. Bounded: past
 * {@link #MAX_NAMES} names (sources come and go under new names for as long as the machine
 * runs) it starts afresh. Loop thread only.
 */
final class SourceNames {
    static final int MAX_NAMES = 4096;

    /** A name's bytes as a map key; the probe reuses one instance for lookups. */
    private static final class Key {
        byte[] bytes;
        int length;
        int hash;

        Key set(byte[] bytes, int length) {
            this.bytes = bytes;
            this.length = length;
            int h = 1;
            for (int i = 0; i < length; i++) {
                h = 31 * h + bytes[i];
            }
            this.hash = h;
            return this;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.length == length && Arrays.equals(k.bytes, 0, k.length, bytes, 0, length);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private final Map<Key, String> fileNames = new HashMap<>();
    private final Key probe = new Key();

    /** The file name for the source whose UTF-8 name is {@code bytes[0, length)}. */
    String fileName(byte[] bytes, int length) {
        String name = fileNames.get(probe.set(bytes, length));
        if (name == null) {
            if (fileNames.size() >= MAX_NAMES) {
                fileNames.clear();
            }
            name = LogFileNames.of(new String(bytes, 0, length, StandardCharsets.UTF_8));
            fileNames.put(new Key().set(Arrays.copyOf(bytes, length), length), name);
        }
        return name;
    }
}

package dev.memlogd.daemon.intake;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import dev.memlogd.core.wire.Utf8;

/**
 * A datagram's payload as a source name: kept byte for byte, as LinuxKit's memlogd keeps it,
 * so that LinuxKit's clients see exactly the same name from either daemon.
 *
 * <p>Nothing a name holds can break the daemon's output: in JSON every control character is
 * escaped and every invalid UTF-8 byte becomes {@code \ufffd} (Go's rules), so each line stays
 * valid JSON. A name with control characters or invalid UTF-8 is still worth a {@code memlogd}
 * entry, because logread prints names raw (a newline in a name splits its line, as with
 * LinuxKit) and a log writer must not use such a name as a file name.
 */
public final class SourceNames {
    /**
     * @param bytes     the name as sent (at most the name limit)
     * @param printable the name for the daemon's own messages (invalid bytes as U+FFFD, controls as '?')
     * @param unusual   whether it holds control characters or invalid UTF-8
     */
    public record Name(byte[] bytes, String printable, boolean unusual) {
    }

    private SourceNames() {
    }

    public static Name inspect(byte[] raw, int length) {
        byte[] bytes = Arrays.copyOf(raw, length);
        boolean unusual = !Utf8.isValid(bytes, 0, length);
        for (int i = 0; i < length && !unusual; i++) {
            unusual = bytes[i] >= 0 && bytes[i] < 0x20 || bytes[i] == 0x7f;
        }
        return new Name(bytes, printable(bytes), unusual);
    }

    private static String printable(byte[] bytes) {
        String decoded = new String(bytes, StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(decoded.length());
        for (int i = 0; i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return sb.toString();
    }
}

package dev.memlogd.daemon;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns a datagram's payload into a source name that is safe everywhere it goes: the JSON
 * (always valid), logread's {@code time;source;msg} lines (no line breaks), files named
 * after it by a log writer (no NUL).
 *
 * <p>Invalid UTF-8 becomes U+FFFD and control characters (including newline, NUL and DEL)
 * become {@code _}. {@code ;} and {@code /} are kept: logread escapes the one, and a log
 * writer must not trust names as paths anyway. A name of valid, printable UTF-8 (every name
 * LinuxKit's init sends) passes unchanged.
 */
final class SourceNames {
    /** A sanitised name, and whether it differs from what was sent. */
    record Name(String name, boolean changed) {
    }

    private SourceNames() {
    }

    static Name sanitize(byte[] raw, int length) {
        CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        boolean changed = false;
        String decoded;
        try {
            decoded = strict.decode(ByteBuffer.wrap(raw, 0, length)).toString();
        } catch (CharacterCodingException e) {
            decoded = new String(raw, 0, length, StandardCharsets.UTF_8); // replaces with U+FFFD
            changed = true;
        }
        CharBuffer out = CharBuffer.allocate(decoded.length());
        for (int i = 0; i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                c = '_';
                changed = true;
            }
            out.put(c);
        }
        return new Name(out.flip().toString(), changed);
    }
}

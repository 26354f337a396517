package dev.memlogd.e2e;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What LinuxKit's memlogd makes of a source's bytes, written from the specification
 * ({@code ../shared/linuxkit-protocol.md}, docs/protocol.md sections 2 and 4) and Go's source,
 * independently of the daemon's code: no class of memlogd-core or the daemon is used, so a
 * mistake shared by the encoder and this oracle could only be a mistake in reading the spec.
 *
 * <ul>
 * <li>{@link #lines}: LinuxKit's {@code readLogFromFd} line cutting with {@code -max-line-len}.</li>
 * <li>{@link #jsonString}: Go's {@code encoding/json} string escaping with HTML escaping on
 * (the {@code json.Marshal} default), as of Go 1.22 ({@code \b} and {@code \f} short forms),
 * decoding UTF-8 as Go's {@code utf8.DecodeRune} does.</li>
 * </ul>
 */
final class GoJsonOracle {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private GoJsonOracle() {
    }

    /** One entry a source's bytes make: the message kept, and whether the line was cut. */
    record Line(byte[] msg, boolean truncated) {
        @Override
        public String toString() {
            return (truncated ? "truncated " : "") + Arrays.toString(msg);
        }
    }

    /**
     * The entries of a whole stream, up to its end of file: split on {@code \n}; a {@code \r}
     * just before the {@code \n} is dropped (a lone {@code \r} is kept, and so is a last
     * {@code \r} of a line that ends at end of file); a line longer than {@code maxLineLength}
     * keeps that many bytes and is marked truncated; a last line without newline is an entry.
     */
    static List<Line> lines(byte[] stream, int maxLineLength) {
        List<Line> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= stream.length; i++) {
            boolean newline = i < stream.length && stream[i] == '\n';
            boolean end = i == stream.length && start < stream.length;
            if (!newline && !end) {
                continue;
            }
            int length = i - start;
            if (newline && length > 0 && stream[i - 1] == '\r') {
                length--;
            }
            boolean truncated = length > maxLineLength;
            lines.add(new Line(Arrays.copyOfRange(stream, start, start + Math.min(length, maxLineLength)), truncated));
            start = i + 1;
        }
        return lines;
    }

    /** Go's {@code encoding/json} encoding of {@code bytes} as the inside of a JSON string (no quotes). */
    static byte[] jsonString(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < bytes.length) {
            int b = bytes[i] & 0xff;
            if (b < 0x80) {
                escapeAscii(b, out);
                i++;
                continue;
            }
            int size = validRuneLength(bytes, i);
            if (size == 0) {
                out.writeBytes(ascii("\\ufffd")); // utf8.RuneError with size 1: one per bad byte
                i++;
                continue;
            }
            // U+2028 and U+2029 (E2 80 A8, E2 80 A9) break JavaScript string literals: escaped.
            if (size == 3 && b == 0xe2 && (bytes[i + 1] & 0xff) == 0x80 && ((bytes[i + 2] & 0xff) | 1) == 0xa9) {
                out.writeBytes(ascii((bytes[i + 2] & 0xff) == 0xa8 ? "\\u2028" : "\\u2029"));
            } else {
                out.write(bytes, i, size);
            }
            i += size;
        }
        return out.toByteArray();
    }

    private static void escapeAscii(int b, ByteArrayOutputStream out) {
        switch (b) {
            case '"' -> out.writeBytes(ascii("\\\""));
            case '\\' -> out.writeBytes(ascii("\\\\"));
            case '\n' -> out.writeBytes(ascii("\\n"));
            case '\r' -> out.writeBytes(ascii("\\r"));
            case '\t' -> out.writeBytes(ascii("\\t"));
            case '\b' -> out.writeBytes(ascii("\\b"));
            case '\f' -> out.writeBytes(ascii("\\f"));
            default -> {
                // Go's htmlSafeSet: every printable ASCII byte but " \ < > &, and DEL (0x7f) too.
                if (b < 0x20 || b == '<' || b == '>' || b == '&') {
                    out.writeBytes(ascii("\\u00"));
                    out.write(HEX[b >> 4]);
                    out.write(HEX[b & 0xf]);
                } else {
                    out.write(b);
                }
            }
        }
    }

    /**
     * The length of the valid UTF-8 sequence at {@code i}, or 0 when Go's {@code DecodeRune}
     * would return {@code RuneError} of size 1: shortest form only, no surrogates, at most
     * U+10FFFF (the table of "Well-Formed UTF-8 Byte Sequences", Unicode chapter 3).
     */
    static int validRuneLength(byte[] bytes, int i) {
        int b0 = bytes[i] & 0xff;
        int size;
        int low = 0x80;
        int high = 0xbf;
        if (b0 >= 0xc2 && b0 <= 0xdf) {
            size = 2;
        } else if (b0 >= 0xe0 && b0 <= 0xef) {
            size = 3;
            low = b0 == 0xe0 ? 0xa0 : 0x80;
            high = b0 == 0xed ? 0x9f : 0xbf;
        } else if (b0 >= 0xf0 && b0 <= 0xf4) {
            size = 4;
            low = b0 == 0xf0 ? 0x90 : 0x80;
            high = b0 == 0xf4 ? 0x8f : 0xbf;
        } else {
            return 0;
        }
        if (i + size > bytes.length) {
            return 0;
        }
        int b1 = bytes[i + 1] & 0xff;
        if (b1 < low || b1 > high) {
            return 0;
        }
        for (int k = 2; k < size; k++) {
            int b = bytes[i + k] & 0xff;
            if (b < 0x80 || b > 0xbf) {
                return 0;
            }
        }
        return size;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}

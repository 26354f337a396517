package dev.memlogd.core.logdir;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A source name as a file name in the log directory. Anyone who can write to memlogd's log
 * socket chooses source names, so a name is never used as a path as it is:
 *
 * <ul>
 *   <li>An <em>ordinary</em> name is kept unchanged, so files are LinuxKit's: not empty, not
 *       {@code .} or {@code ..}, no {@code /}, no {@code %}, no control character (below
 *       U+0020, U+007F), no unpaired surrogate, and at most {@link #MAX_NAME_BYTES} bytes of UTF-8.</li>
 *   <li>Any other name is escaped: each {@code /}, {@code %}, control character and a leading
 *       {@code .} become {@code %XX} (the byte in hex), an unpaired surrogate {@code %uXXXX},
 *       the empty name is {@code %}; where the JVM cannot write UTF-8 file names, every
 *       non-ASCII character becomes its UTF-8 bytes as {@code %XX} too. Every escaped name holds a {@code %} and no ordinary one does,
 *       and the escapes can be undone, so no two names map to one file.</li>
 *   <li>A name still longer than {@link #MAX_NAME_BYTES} bytes keeps its first bytes and ends with
 *       {@code %~} and 16 hex digits of the SHA-256 of the whole name (no escape makes {@code %~}).</li>
 * </ul>
 * The log file is the result plus {@code .log}; with the rotation and compression suffixes it
 * stays within the 255 bytes a Linux file name may have. Stateless and thread-safe.
 */
public final class LogFileNames {
    /** Bytes of a file name before {@code .log}: 255 minus the longest suffix ({@code .log.999.gz}) and room. */
    public static final int MAX_NAME_BYTES = 200;
    private static final int HASH_HEX_DIGITS = 16;

    private LogFileNames() {
    }

    /**
     * Whether the JVM writes file names as UTF-8 ({@code sun.jnu.encoding}, from the locale).
     * If not (a C or POSIX locale on JDK 17), every non-ASCII character would reach the file
     * system as {@code ?}, and two names could meet in one file: they are then escaped too.
     * {@code bin/logwrite} runs the JVM in a UTF-8 locale.
     */
    public static final boolean UTF8_FILE_NAMES = "UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding"));

    /** The file name (without {@code .log}) for {@code source}. */
    public static String of(String source) {
        return of(source, UTF8_FILE_NAMES);
    }

    /** {@link #of(String)} for a JVM whose file names are UTF-8 ({@code utf8}) or not. */
    public static String of(String source, boolean utf8) {
        if (isOrdinary(source, utf8)) {
            return source;
        }
        String escaped = escape(source, utf8);
        if (utf8Length(escaped) <= MAX_NAME_BYTES) {
            return escaped;
        }
        String suffix = "%~" + sha256Hex(escaped).substring(0, HASH_HEX_DIGITS);
        return prefix(escaped, MAX_NAME_BYTES - suffix.length()) + suffix;
    }

    public static boolean isOrdinary(String source, boolean utf8) {
        if (source.isEmpty() || source.equals(".") || source.equals("..") || utf8Length(source) > MAX_NAME_BYTES) {
            return false;
        }
        for (int i = 0; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '/' || c == '%' || c < 0x20 || c == 0x7f || Character.isSurrogate(c) && !paired(source, i)
                    || c >= 0x80 && !utf8) {
                return false;
            }
        }
        return true;
    }

    private static String escape(String source, boolean utf8) {
        if (source.isEmpty()) {
            return "%";
        }
        StringBuilder sb = new StringBuilder(source.length() + 16);
        for (int i = 0; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '/' || c == '%' || c < 0x20 || c == 0x7f || c == '.' && i == 0) {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            } else if (Character.isSurrogate(c) && !paired(source, i)) {
                sb.append(String.format("%%u%04X", (int) c));
            } else if (c >= 0x80 && !utf8) {
                int cp = source.codePointAt(i);
                for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                    sb.append(String.format("%%%02X", b & 0xff));
                }
                i += Character.charCount(cp) - 1;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean paired(String s, int i) {
        char c = s.charAt(i);
        return Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The longest prefix of {@code s} of at most {@code maxBytes} UTF-8 bytes, whole characters only. */
    private static String prefix(String s, int maxBytes) {
        int bytes = 0;
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + n > maxBytes) {
                break;
            }
            bytes += n;
            i += Character.charCount(cp);
        }
        return s.substring(0, i);
    }

    private static String sha256Hex(String s) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder(64);
            for (byte b : digest) {
                hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}

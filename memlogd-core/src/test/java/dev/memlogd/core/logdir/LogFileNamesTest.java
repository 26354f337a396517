package dev.memlogd.core.logdir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Source names are chosen by whoever writes to memlogd: {@link LogFileNames} keeps the ordinary
 * ones (LinuxKit's file names) and maps every other one to a safe name, no two to one file.
 */
class FileNamesTest {
    private static final String UNPAIRED_HIGH = "\uD800";
    private static final String UNPAIRED_LOW = "\uDC00";

    @ParameterizedTest
    @ValueSource(strings = {"web.out", "onboot.001-sysctl", "café", "svc with space", ".hidden", "日志",
            "\uFFFD", "emoji\uD83D\uDE00", "...", "a.b.c-d_e", "x~y"})
    void ordinaryNameIsKeptUnchanged(String name) {
        assertEquals(name, LogFileNames.of(name, true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../etc/x", "/abs/path", ".", "..", "", "a/b", "/", "//", "a\0b", "\0", "line\nbreak",
            "\n", "tab\there", "cr\r", "bell\u0007", "del\u007f", "esc\u001b[31m", "100%", "%", "%2F", "%~",
            "bad" + UNPAIRED_HIGH, UNPAIRED_LOW + "bad", UNPAIRED_LOW + UNPAIRED_HIGH, "./x", "../x", "%u0041"})
    void hostileNameIsMappedToASafeFileName(String name) {
        String file = LogFileNames.of(name, true);

        assertSafe(file);
        assertNotEquals(name, file);
    }

    @Test
    void nameOf512BytesIsCutToTheMaximumWithAHash() {
        String name = "x".repeat(512);

        String file = LogFileNames.of(name, true);

        assertSafe(file);
        assertTrue(file.startsWith("x".repeat(100)), file);
        assertTrue(file.matches(".*%~[0-9a-f]{16}"), file);
    }

    @Test
    void nameOfExactlyTheMaximumIsKeptAndOneByteMoreIsNot() {
        String max = "é".repeat(LogFileNames.MAX_NAME_BYTES / 2);

        assertEquals(max, LogFileNames.of(max, true));
        assertNotEquals(max + "x", LogFileNames.of(max + "x", true));
        assertSafe(LogFileNames.of(max + "x", true));
    }

    @Test
    void longNamesDifferingOnlyAfterTheCutMapToDifferentFiles() {
        String common = "日".repeat(200);

        String a = LogFileNames.of(common + "a", true);
        String b = LogFileNames.of(common + "b", true);

        assertSafe(a);
        assertSafe(b);
        assertNotEquals(a, b);
    }

    @Test
    void everyGeneratedNameMapsToASafeFileAndNoTwoToTheSameOne() {
        Set<String> names = generatedNames(List.of("a", "/", "%", ".", "\n", "\0", "\u007f", "\u001f", "é",
                UNPAIRED_HIGH, UNPAIRED_LOW, "2", "F", "u", "~"));

        Map<String, String> byFile = new HashMap<>();
        for (String name : names) {
            String file = LogFileNames.of(name, true);
            assertSafe(file);
            // Keyed by the bytes the file system sees, so two strings meeting in one byte name count too.
            String bytes = new String(file.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            assertNull(byFile.put(bytes, name), () -> "two names map to " + file);
        }
    }

    @Test
    void withoutUtf8FileNamesEveryNameIsAsciiAndNoTwoMapToTheSameOne() {
        Set<String> names = generatedNames(List.of("a", "/", "%", ".", "\n", "\u007f", "é", "日", "\uFFFD",
                "\uD83D\uDE00", UNPAIRED_HIGH, "C", "3", "u"));

        Map<String, String> byFile = new HashMap<>();
        for (String name : names) {
            String file = LogFileNames.of(name, false);
            assertSafe(file);
            assertTrue(file.chars().allMatch(c -> c >= 0x20 && c < 0x7f), () -> "not printable ASCII: " + file);
            assertNull(byFile.put(file, name), () -> "two names map to " + file);
        }
    }

    @Test
    void withoutUtf8FileNamesAnAsciiNameIsKeptUnchanged() {
        assertEquals("web.out", LogFileNames.of("web.out", false));
    }

    /** Every name up to length 4 over {@code alphabet}, plus long ones around the cut; each once. */
    private static Set<String> generatedNames(List<String> alphabet) {
        Set<String> names = new LinkedHashSet<>();
        List<String> previous = List.of("");
        names.add("");
        for (int length = 1; length <= 4; length++) {
            List<String> next = new ArrayList<>();
            for (String prefix : previous) {
                for (String c : alphabet) {
                    next.add(prefix + c);
                }
            }
            names.addAll(next);
            previous = next;
        }
        for (int length = LogFileNames.MAX_NAME_BYTES - 20; length <= LogFileNames.MAX_NAME_BYTES + 20; length++) {
            for (String c : alphabet) {
                names.add("a".repeat(length) + c);
                names.add(c + "a".repeat(length));
                names.add(c.repeat(length));
            }
        }
        for (int i = 0; i < 200; i++) {
            names.add("b".repeat(600) + i);
        }
        return names;
    }

    private static void assertSafe(String file) {
        assertFalse(file.isEmpty(), "empty file name");
        assertFalse(file.contains("/"), () -> "has a slash: " + file);
        assertFalse(file.equals(".") || file.equals(".."), () -> "is . or ..: " + file);
        assertFalse(file.chars().anyMatch(c -> c < 0x20 || c == 0x7f), () -> "has a control character: " + file);
        assertTrue(file.getBytes(StandardCharsets.UTF_8).length <= LogFileNames.MAX_NAME_BYTES,
                () -> "longer than " + LogFileNames.MAX_NAME_BYTES + " bytes: " + file.length() + " chars");
        for (int i = 0; i < file.length(); i++) {
            char c = file.charAt(i);
            boolean paired = Character.isHighSurrogate(c) ? i + 1 < file.length()
                    && Character.isLowSurrogate(file.charAt(i + 1))
                    : !Character.isLowSurrogate(c) || i > 0 && Character.isHighSurrogate(file.charAt(i - 1));
            assertTrue(paired, () -> "has an unpaired surrogate: " + file);
        }
    }
}

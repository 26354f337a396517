package dev.memlogd.core.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import picocli.CommandLine.Option;

/**
 * Sets the {@link Option} fields of a picocli command from an ordinary command line in Go's
 * syntax without building picocli's model ({@code CommandLine}, {@code CommandSpec}), which is
 * the costly part of a cold start (docs/PERFORMANCE.md, startup).
 *
 * <p>What it knows of the options is an {@link Index} made from the command's {@code @Option}
 * annotations, the only description of the flags; this class knows none of them. Reading
 * annotations at run time is itself costly (picocli's annotation types and the JDK's
 * annotation proxies cannot be class-data shared), so the build writes the index of a
 * command into its jar ({@link #main}) and {@link Index#load} reads it back as plain text.
 *
 * <p>Handled, with the same result as picocli with {@link GoFlagSyntax}:
 * <ul>
 *   <li>any name an option declares, as {@code -name value} or {@code -name=value};</li>
 *   <li>{@code int} and {@code long} fields: a decimal number of at most 18 digits, optionally
 *       preceded by {@code -}, within the field's range;</li>
 *   <li>{@link Path} fields: a non-empty path;</li>
 *   <li>{@link String} fields: any value that does not start with {@code -} (picocli takes such
 *       a value for an option name and refuses it, even as {@code -name=-x}), the empty one
 *       included;</li>
 *   <li>{@code boolean} fields with {@code arity = "0..1"} and {@code converter = GoBoolean.class}:
 *       {@code -name} alone (the option's {@code fallbackValue}) or {@code -name=value} with one
 *       of Go's spellings;</li>
 *   <li>a flag given twice: its last value.</li>
 * </ul>
 * Anything else makes {@link #parse} return false: an unknown name (so {@code --help},
 * {@code --version} and typos), a positional argument, {@code -} or {@code --}, a missing or
 * unusual value ({@code +5}, {@code 0x10}, {@code -daemonize=yes}), a field of another type,
 * an option with its own converter, split, arity or {@code negatable}, and any command with a
 * {@code required} option or a {@code defaultValue} attribute (their defaults are picocli's to
 * apply). The caller then hands the whole command line to picocli, for its help, messages and
 * exit codes, on a fresh command: fields may be partly set by then.
 */
public final class FastFlags {
    private static final String NO_DEFAULT_VALUE = "__no_default_value__";
    private static final int MAX_DIGITS = 18;
    private static final String INDEX_HEADER = "# fast-flags index 1";

    private FastFlags() {
    }

    /** How the fast path sets a field. */
    enum Kind { INT, LONG, PATH, STRING, GO_BOOLEAN, PICOCLI_ONLY }

    /** One option name: the field it sets and how. */
    record Entry(String name, String field, Kind kind, String fallbackValue) {
    }

    /**
     * A command's options as the fast path needs them, by name. Made from the annotations
     * ({@link #of}) at build time and in tests; read from the jar ({@link #load}) at run time.
     */
    public static final class Index {
        private final Map<String, Entry> byName;

        private Index(List<Entry> entries) {
            byName = new HashMap<>();
            for (Entry entry : entries) {
                byName.put(entry.name(), entry);
            }
        }

        /**
         * The index of {@code command}'s {@code @Option} fields (its class and superclasses),
         * or null when the command is picocli's alone (a {@code required} option or a
         * {@code defaultValue} attribute).
         */
        public static Index of(Class<?> command) {
            List<Entry> entries = new ArrayList<>();
            for (Class<?> c = command; c != Object.class; c = c.getSuperclass()) {
                for (Field field : c.getDeclaredFields()) {
                    Option option = field.getAnnotation(Option.class);
                    if (option == null) {
                        continue;
                    }
                    if (option.required() || !option.defaultValue().equals(NO_DEFAULT_VALUE)) {
                        return null;
                    }
                    Kind kind = kind(field, option);
                    for (String name : option.names()) {
                        entries.add(new Entry(name, field.getName(), kind,
                                kind == Kind.GO_BOOLEAN ? option.fallbackValue() : ""));
                    }
                }
            }
            return new Index(entries);
        }

        /** The index the build wrote for {@code command}, or null when there is none. */
        public static Index load(Class<?> command) {
            try (InputStream in = command.getResourceAsStream(resourceName(command))) {
                return in == null ? null : parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException e) {
                return null; // picocli then parses: slower, never wrong
            }
        }

        static Index parse(String text) throws IOException {
            BufferedReader lines = new BufferedReader(new java.io.StringReader(text));
            if (!INDEX_HEADER.equals(lines.readLine())) {
                throw new IOException("not a fast-flags index");
            }
            List<Entry> entries = new ArrayList<>();
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                String[] f = line.split("\t", -1);
                entries.add(new Entry(f[0], f[1], Kind.valueOf(f[2]), f[3]));
            }
            return new Index(entries);
        }

        /** The text {@link #load} reads: a header, then name, field, kind, fallback per line. */
        String text() {
            StringBuilder sb = new StringBuilder(INDEX_HEADER).append('\n');
            byName.values().stream().sorted(java.util.Comparator.comparing(Entry::name)).forEach(e -> sb
                    .append(e.name()).append('\t').append(e.field()).append('\t').append(e.kind()).append('\t')
                    .append(e.fallbackValue()).append('\n'));
            return sb.toString();
        }

        Entry entry(String name) {
            return byName.get(name);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Index && ((Index) o).byName.equals(byName);
        }

        @Override
        public int hashCode() {
            return Objects.hash(byName);
        }

        @Override
        public String toString() {
            return text();
        }
    }

    /** Where the build puts a command's index, relative to the classpath root. */
    static String resourceName(Class<?> command) {
        return "/META-INF/fast-flags/" + command.getName() + ".tsv";
    }

    /**
     * Writes the index of each command class into a classes directory; run by the build.
     * Arguments: the classes directory, then command class names.
     */
    public static void main(String[] args) throws IOException, ClassNotFoundException {
        Path classes = Path.of(args[0]);
        for (int i = 1; i < args.length; i++) {
            Class<?> command = Class.forName(args[i]);
            Index index = Index.of(command);
            if (index == null) {
                throw new IllegalArgumentException(args[i] + " has options only picocli can parse");
            }
            Path file = classes.resolve(resourceName(command).substring(1));
            Files.createDirectories(file.getParent());
            Files.writeString(file, index.text(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Sets {@code command}'s option fields from {@code args} with the index made from its
     * annotations (tests, and commands without a built index).
     *
     * @return true when every argument was handled; false when picocli must parse them
     */
    public static boolean parse(Object command, String... args) {
        return parse(command, Index.of(command.getClass()), args);
    }

    /**
     * Sets {@code command}'s option fields from {@code args}, on the calling thread.
     *
     * @param index the command's index; null: nothing is handled here
     * @return true when every argument was handled; false when picocli must parse them
     */
    public static boolean parse(Object command, Index index, String... args) {
        if (index == null) {
            return false;
        }
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            int eq = arg.indexOf('=');
            Entry entry = index.entry(eq < 0 ? arg : arg.substring(0, eq));
            if (entry == null || entry.kind() == Kind.PICOCLI_ONLY) {
                return false;
            }
            String value = eq < 0 ? null : arg.substring(eq + 1);
            Object converted;
            if (entry.kind() == Kind.GO_BOOLEAN) {
                converted = GoBoolean.parse(value == null ? entry.fallbackValue() : value);
            } else {
                if (value == null) {
                    if (i + 1 == args.length) {
                        return false;
                    }
                    value = args[++i];
                }
                converted = convert(entry.kind(), value);
            }
            if (converted == null || !set(command, entry.field(), converted)) {
                return false;
            }
        }
        return true;
    }

    private static Kind kind(Field field, Option option) {
        Class<?>[] converter = option.converter();
        Class<?> type = field.getType();
        if (type == boolean.class && option.arity().equals("0..1") && !option.negatable()
                && converter.length == 1 && converter[0] == GoBoolean.class) {
            return Kind.GO_BOOLEAN;
        }
        if (converter.length != 0 || !option.arity().isEmpty() || !option.split().isEmpty()) {
            return Kind.PICOCLI_ONLY;
        }
        return type == int.class ? Kind.INT : type == long.class ? Kind.LONG : type == Path.class ? Kind.PATH
                : type == String.class ? Kind.STRING : Kind.PICOCLI_ONLY;
    }

    /** The value picocli would set for a plain option, or null when it is left to picocli. */
    private static Object convert(Kind kind, String value) {
        if (kind == Kind.STRING) {
            return value.startsWith("-") ? null : value;
        }
        if (kind == Kind.PATH) {
            try {
                return value.isEmpty() ? null : Path.of(value);
            } catch (InvalidPathException e) {
                return null;
            }
        }
        if (!isPlainDecimal(value)) {
            return null;
        }
        long n = Long.parseLong(value);
        return kind == Kind.LONG ? (Object) n : n == (int) n ? (Object) (int) n : null;
    }

    /** An optional {@code -}, then 1 to 18 ASCII digits: what fits a long and picocli reads alike. */
    private static boolean isPlainDecimal(String value) {
        int start = value.startsWith("-") ? 1 : 0;
        int digits = value.length() - start;
        if (digits < 1 || digits > MAX_DIGITS) {
            return false;
        }
        for (int i = start; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** Sets the named field of the command or a superclass; false when there is none. */
    private static boolean set(Object command, String fieldName, Object value) {
        for (Class<?> c = command.getClass(); c != Object.class; c = c.getSuperclass()) {
            try {
                Field field = c.getDeclaredField(fieldName);
                field.setAccessible(true);
                field.set(command, value);
                return true;
            } catch (NoSuchFieldException e) {
                // declared further up
            } catch (IllegalAccessException | RuntimeException e) {
                return false;
            }
        }
        return false;
    }
}

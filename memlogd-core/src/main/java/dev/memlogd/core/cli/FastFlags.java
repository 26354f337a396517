package dev.memlogd.core.cli;

import java.lang.reflect.Field;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Option;

/**
 * Sets the {@link Option} fields of a picocli command from an ordinary command line in Go's
 * syntax without building picocli's model ({@code CommandLine}, {@code CommandSpec}), which is
 * the costly part of a cold start (docs/PERFORMANCE.md, startup). The options are read from
 * the {@code @Option} annotations of the command's fields (its class and superclasses) by
 * plain reflection, so the names, types, converters and field initialisers declared there are
 * the only description of the flags; this class knows none of them.
 *
 * <p>Handled, with the same result as picocli with {@link GoFlagSyntax}:
 * <ul>
 *   <li>any name an option declares, as {@code -name value} or {@code -name=value};</li>
 *   <li>{@code int} and {@code long} fields: a decimal number of at most 18 digits, optionally
 *       preceded by {@code -}, within the field's range;</li>
 *   <li>{@link Path} fields: a non-empty path;</li>
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
    /** What picocli's {@code Option.defaultValue()} is when the attribute is not given. */
    private static final String NO_DEFAULT_VALUE = "__no_default_value__";
    private static final int MAX_DIGITS = 18;

    private FastFlags() {
    }

    /**
     * Sets {@code command}'s option fields from {@code args}, on the calling thread.
     *
     * @return true when every argument was handled; false when picocli must parse them
     */
    public static boolean parse(Object command, String... args) {
        List<Field> fields = new ArrayList<>();
        List<Option> options = new ArrayList<>();
        for (Class<?> c = command.getClass(); c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                Option option = field.getAnnotation(Option.class);
                if (option == null) {
                    continue;
                }
                if (option.required() || !option.defaultValue().equals(NO_DEFAULT_VALUE)) {
                    return false;
                }
                field.setAccessible(true);
                fields.add(field);
                options.add(option);
            }
        }
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            int eq = arg.indexOf('=');
            int k = indexOfName(options, eq < 0 ? arg : arg.substring(0, eq));
            if (k < 0) {
                return false;
            }
            String value = eq < 0 ? null : arg.substring(eq + 1);
            if (isGoBoolean(fields.get(k), options.get(k))) {
                Boolean b = GoBoolean.parse(value == null ? options.get(k).fallbackValue() : value);
                if (b == null) {
                    return false;
                }
                set(command, fields.get(k), b);
                continue;
            }
            if (value == null) {
                if (i + 1 == args.length) {
                    return false;
                }
                value = args[++i];
            }
            Object converted = convert(fields.get(k), options.get(k), value);
            if (converted == null) {
                return false;
            }
            set(command, fields.get(k), converted);
        }
        return true;
    }

    private static int indexOfName(List<Option> options, String name) {
        for (int k = 0; k < options.size(); k++) {
            for (String candidate : options.get(k).names()) {
                if (candidate.equals(name)) {
                    return k;
                }
            }
        }
        return -1;
    }

    private static boolean isGoBoolean(Field field, Option option) {
        Class<?>[] converter = option.converter();
        return field.getType() == boolean.class && option.arity().equals("0..1") && !option.negatable()
                && converter.length == 1 && converter[0] == GoBoolean.class;
    }

    /** The value picocli would set for a plain option, or null when it is left to picocli. */
    private static Object convert(Field field, Option option, String value) {
        if (option.converter().length != 0 || !option.arity().isEmpty() || !option.split().isEmpty()) {
            return null;
        }
        Class<?> type = field.getType();
        if (type == Path.class) {
            try {
                return value.isEmpty() ? null : Path.of(value);
            } catch (InvalidPathException e) {
                return null;
            }
        }
        if (type != int.class && type != long.class || !isPlainDecimal(value)) {
            return null;
        }
        long n = Long.parseLong(value);
        return type == long.class ? (Object) n : n == (int) n ? (Object) (int) n : null;
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

    private static void set(Object command, Field field, Object value) {
        try {
            field.set(command, value);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot set " + field + " after setAccessible", e);
        }
    }
}

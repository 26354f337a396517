package dev.memlogd.core.cli;

import java.util.List;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The values Go's {@code flag} package accepts for a boolean flag ({@code strconv.ParseBool}):
 * {@link #TRUE_SPELLINGS} and {@link #FALSE_SPELLINGS}. Use it with
 * {@code arity = "0..1", fallbackValue = "true"} so that {@code -f}, {@code -f=true} and
 * {@code -f=1} all work, as they do with LinuxKit's Go programs. Stateless and thread-safe.
 */
public final class GoBoolean implements ITypeConverter<Boolean> {
    /** What Go reads as true, and nothing else. */
    public static final List<String> TRUE_SPELLINGS = List.of("1", "t", "T", "TRUE", "true", "True");
    /** What Go reads as false, and nothing else. */
    public static final List<String> FALSE_SPELLINGS = List.of("0", "f", "F", "FALSE", "false", "False");

    @Override
    public Boolean convert(String value) {
        Boolean b = parse(value);
        if (b == null) {
            throw new TypeConversionException("'" + value + "' is not a boolean (use true or false)");
        }
        return b;
    }

    /** The boolean Go reads from {@code value}, or null if Go would refuse it. */
    public static Boolean parse(String value) {
        return TRUE_SPELLINGS.contains(value) ? Boolean.TRUE
                : FALSE_SPELLINGS.contains(value) ? Boolean.FALSE
                : null;
    }
}

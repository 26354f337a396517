package dev.memlogd.core.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The values Go's {@code flag} package accepts for a boolean flag ({@code strconv.ParseBool}):
 * {@code 1 t T TRUE true True} and {@code 0 f F FALSE false False}. Use it with
 * {@code arity = "0..1", fallbackValue = "true"} so that {@code -f}, {@code -f=true} and
 * {@code -f=1} all work, as they do with LinuxKit's Go programs. Stateless and thread-safe.
 */
public final class GoBoolean implements ITypeConverter<Boolean> {
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
        switch (value) {
            case "1": case "t": case "T": case "TRUE": case "true": case "True":
                return Boolean.TRUE;
            case "0": case "f": case "F": case "FALSE": case "false": case "False":
                return Boolean.FALSE;
            default:
                return null;
        }
    }
}

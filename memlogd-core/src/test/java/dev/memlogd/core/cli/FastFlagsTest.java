package dev.memlogd.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@link FastFlags} knows no option of its own: it must read any command's {@code @Option}
 * fields as picocli does. The probes use names no program of this project has.
 */
class FastFlagsTest {

    /** One option of each kind the fast path handles, and one of a kind it leaves to picocli. */
    @Command(name = "probe", modelTransformer = GoFlagSyntax.class)
    static class Probe {
        @Option(names = {"-zz-count", "--zz-count"})
        int count = 7;

        @Option(names = "-zz-millis")
        long millis = 9;

        @Option(names = {"-zz-path", "--zz-path"})
        Path path = Path.of("/default");

        @Option(names = {"-zz-on", "--zz-on"}, arity = "0..1", fallbackValue = "true", converter = GoBoolean.class)
        boolean on;

        @Option(names = {"-zz-name", "--zz-name"})
        String name = "kept";

        @Option(names = "-zz-unit")
        java.util.concurrent.TimeUnit unit = java.util.concurrent.TimeUnit.SECONDS;
    }

    @Command(name = "sub-probe", modelTransformer = GoFlagSyntax.class)
    static class SubProbe extends Probe {
        @Option(names = "-zz-sub")
        int sub = 1;
    }

    @Command(name = "default-probe", modelTransformer = GoFlagSyntax.class)
    static class DefaultValueProbe {
        @Option(names = "-zz-count", defaultValue = "3")
        int count = 7;
    }

    /** Every option field's value, by field name, superclasses included. */
    private static String values(Object command) throws IllegalAccessException {
        List<String> values = new ArrayList<>();
        for (Class<?> c = command.getClass(); c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (field.isAnnotationPresent(Option.class)) {
                    field.setAccessible(true);
                    values.add(field.getName() + "=" + field.get(command));
                }
            }
        }
        return String.join(" ", values);
    }

    private static String picocli(Object command, String... args) throws IllegalAccessException {
        new CommandLine(command).parseArgs(args);
        return values(command);
    }

    private static String fast(Object command, String... args) throws IllegalAccessException {
        assertTrue(FastFlags.parse(command, args), "fast path refused " + List.of(args));
        return values(command);
    }

    @Test
    void optionsDeclaredOnlyByTheCommandAreReadAsPicocliReadsThem() throws Exception {
        String[][] lines = {
            {},
            {"-zz-count", "5", "--zz-count=-6", "-zz-millis", "123456789012345678"},
            {"-zz-path", "/run/a", "--zz-path=/run/b", "-zz-on"},
            {"--zz-on=F", "-zz-millis=-1", "-zz-count=2147483647"},
            {"-zz-on=1", "-zz-on=False", "-zz-count", "007"},
            {"-zz-name", "web,kmsg", "--zz-name=*"},
            {"-zz-name=", "-zz-count", "1"},
            {"-zz-name", "", "-zz-name", "a=b; c"},
        };
        for (String[] line : lines) {
            assertEquals(picocli(new Probe(), line), fast(new Probe(), line), List.of(line).toString());
        }
    }

    @Test
    void optionsOfSuperclassesAreRead() throws Exception {
        String[] line = {"-zz-sub", "4", "-zz-count", "2"};

        String fast = fast(new SubProbe(), line);

        assertEquals(picocli(new SubProbe(), line), fast);
        assertTrue(fast.contains("sub=4") && fast.contains("count=2"), fast);
    }

    @Test
    void whatTheFastPathDoesNotHandleIsLeftToPicocli() {
        String[][] lines = {
            {"-zz-unit", "DAYS"}, {"-zz-name", "-x"}, {"-zz-name=-x"}, {"-zz-name", "-zz-count"}, {"-zz-name"},
            {"-zz-nope", "1"}, {"--help"}, {"-zz-count"}, {"-zz-count", "+5"},
            {"-zz-count", "0x10"}, {"-zz-count", "2147483648"}, {"-zz-millis", "1234567890123456789"},
            {"-zz-count", ""}, {"-zz-count", "-"}, {"-zz-path="}, {"-zz-on=yes"}, {"-zz-on", "true"},
            {"positional"}, {"-"}, {"--"}, {"---zz-count=1"}, {"-zz-count=1", "-zz-sub=2"},
        };
        for (String[] line : lines) {
            assertFalse(FastFlags.parse(new Probe(), line), List.of(line).toString());
        }
    }

    @Test
    void aCommandWithADefaultValueAttributeIsLeftToPicocli() {
        DefaultValueProbe probe = new DefaultValueProbe();

        boolean handled = FastFlags.parse(probe);

        assertFalse(handled, "picocli would set count to 3, not leave the initialiser's 7");
    }
}

package dev.memlogd.daemon.follow;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How many query clients' output buffers fit in the JVM's direct memory, decided once at start.
 * Each {@link Follower} holds one direct buffer of {@code -client-buffer} bytes; the JVM caps
 * direct memory ({@code -XX:MaxDirectMemorySize}, by default the heap's maximum, which
 * {@code bin/memlogd} sizes for the ring: 32 MiB at the defaults). Found by the 1,000-follower
 * scale test: with {@code -max-clients 1000} the 509th client's buffer threw
 * {@code OutOfMemoryError} in the event loop and the daemon died. Clients beyond what fits are
 * now refused with the ordinary "too many query clients" notice, naming this limit.
 *
 * <p>Kept out of the clients' share: the console's buffer, one read chunk, and a margin of an
 * eighth of the limit (at least 2 MiB) for the JDK's own temporary direct buffers (a heap
 * buffer written to a socket is copied through one) and junixsocket's.
 *
 * @param clients     query clients whose buffers fit, at most the number asked for
 * @param directLimit the direct memory limit this was decided for, bytes
 */
public record ClientBuffers(int clients, long directLimit) {
    /** The margin's floor; see the class comment. */
    static final long MIN_MARGIN = 2L << 20;

    /**
     * The clients, at most {@code wanted}, whose buffers of {@code clientBuffer} bytes fit in
     * {@code directLimit} beside the console's buffer, a read chunk and the margin; at least 1,
     * so that the daemon can always be queried (one buffer fits in any limit the launcher sets).
     */
    public static ClientBuffers plan(int wanted, int clientBuffer, int readChunk, long directLimit) {
        long margin = Math.max(MIN_MARGIN, directLimit / 8);
        long free = directLimit - margin - clientBuffer - readChunk;
        long fit = Math.max(1, free / clientBuffer);
        return new ClientBuffers((int) Math.min(wanted, fit), directLimit);
    }

    /** What limits the clients, for the refusal notice and the start entry. */
    public String describe(int clientBuffer) {
        return String.format(Locale.ROOT, "all the JVM's direct memory (%,d KiB, -XX:MaxDirectMemorySize) allows at"
                + " -client-buffer %d", directLimit >> 10, clientBuffer);
    }

    /**
     * This JVM's direct memory limit: {@code -XX:MaxDirectMemorySize} when the JVM was started
     * with it (on its command line or in {@code JDK_JAVA_OPTIONS} / {@code JAVA_TOOL_OPTIONS}),
     * otherwise the heap's maximum, which is the JDK's default. Read from the arguments rather
     * than from the HotSpot diagnostic bean, which costs about 20 ms of a ~110 ms start.
     */
    public static long jvmDirectLimit() {
        Optional<Long> given = Optional.empty();
        // Lowest precedence first: the JVM reads JAVA_TOOL_OPTIONS, then the launcher's
        // JDK_JAVA_OPTIONS, then the command line, and the last value given wins.
        for (String source : List.of(envOrEmpty("JAVA_TOOL_OPTIONS"), envOrEmpty("JDK_JAVA_OPTIONS"),
                String.join(" ", ProcessHandle.current().info().arguments().orElse(new String[0])))) {
            Optional<Long> value = maxDirectMemorySize(source);
            if (value.isPresent()) {
                given = value;
            }
        }
        return given.orElse(Runtime.getRuntime().maxMemory());
    }

    private static String envOrEmpty(String name) {
        String value = System.getenv(name);
        return value == null ? "" : value;
    }

    /** The last {@code -XX:MaxDirectMemorySize=N[kKmMgG]} among {@code arguments} (space-separated), in bytes. */
    static Optional<Long> maxDirectMemorySize(String arguments) {
        Optional<Long> found = Optional.empty();
        for (String argument : arguments.trim().split("\\s+")) {
            if (argument.startsWith("-XX:MaxDirectMemorySize=")) {
                found = parseSize(argument.substring("-XX:MaxDirectMemorySize=".length()));
            }
        }
        return found;
    }

    private static Optional<Long> parseSize(String text) {
        if (text.isEmpty()) {
            return Optional.empty();
        }
        char unit = Character.toLowerCase(text.charAt(text.length() - 1));
        int shift = unit == 'k' ? 10 : unit == 'm' ? 20 : unit == 'g' ? 30 : 0;
        String digits = shift == 0 ? text : text.substring(0, text.length() - 1);
        try {
            return Optional.of(Long.parseLong(digits) << shift);
        } catch (NumberFormatException e) {
            return Optional.empty(); // the JVM would not have started with it
        }
    }
}

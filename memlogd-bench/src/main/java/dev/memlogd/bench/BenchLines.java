package dev.memlogd.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import dev.memlogd.core.ring.LogRing;

/**
 * The data every benchmark uses: one on-boot source name, 100-byte lines and the daemon's
 * default ring bounds, so that the numbers of different benchmarks can be added up.
 */
public final class BenchLines {
    /** A typical LinuxKit on-boot source: {@code <service>.<stream>}. */
    public static final byte[] SOURCE = "onboot.sysctl.out".getBytes(StandardCharsets.UTF_8);
    /** Message bytes per line, newline excluded. */
    public static final int LINE_LENGTH = 100;
    /** {@code -max-lines} default. */
    public static final int MAX_LINES = 5000;
    /** {@code -max-bytes} default. */
    public static final int MAX_BYTES = 8 << 20;
    /** {@code -max-line-len} default. */
    public static final int MAX_LINE_LENGTH = 1024;
    /** {@code -client-buffer} default. */
    public static final int CLIENT_BUFFER = 64 << 10;
    /** {@code -read-chunk} default. */
    public static final int READ_CHUNK = 16 << 10;
    /** 2026-03-14T15:09:26.535897932Z: nine fraction digits, the longest time to format. */
    public static final long TIME_NANOS = 1_773_500_966_535_897_932L;
    /**
     * Added to the time for each entry: keeps fractions of 7 to 9 digits without trailing zeros
     * most of the time, as real stamps have.
     */
    public static final long TIME_STEP_NANOS = 1_000_003L;

    private BenchLines() {
    }

    /**
     * A plain ASCII line of {@link #LINE_LENGTH} bytes that needs no JSON escape (most log text),
     * numbered so that lines differ.
     */
    public static byte[] plainLine(int number) {
        return pad(String.format("net.ipv4.conf.eth0.rp_filter = 1 (line %06d) applied from /etc/sysctl.d/00-linuxkit.conf",
                number));
    }

    /**
     * A line of {@link #LINE_LENGTH} bytes with what Go's JSON escapes ({@code " \ < > &}, a
     * tab) and two-byte UTF-8: the slow path of the escaper.
     */
    public static byte[] escapedLine(int number) {
        return pad(String.format("level=info msg=\"GET /a?b=1&c=2 <%06d>\"\tpath=C:\\tmp caf\u00e9 na\u00efve", number));
    }

    /** The line for a benchmark's {@code content} parameter: {@code plain} or {@code escaped}. */
    public static byte[] line(String content, int number) {
        switch (content) {
            case "plain":
                return plainLine(number);
            case "escaped":
                return escapedLine(number);
            default:
                throw new IllegalArgumentException("content must be plain or escaped: content=" + content);
        }
    }

    /** A ring with the daemon's default bounds. */
    public static LogRing defaultRing() {
        return new LogRing(MAX_LINES, MAX_BYTES);
    }

    /** A direct buffer holding {@code bytes}, position 0, as the daemon's read buffer is direct. */
    public static ByteBuffer direct(byte[] bytes) {
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }

    private static byte[] pad(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > LINE_LENGTH) {
            throw new IllegalStateException("line longer than " + LINE_LENGTH + " bytes: " + bytes.length);
        }
        byte[] line = new byte[LINE_LENGTH];
        System.arraycopy(bytes, 0, line, 0, bytes.length);
        for (int i = bytes.length; i < LINE_LENGTH; i++) {
            line[i] = (byte) ('a' + i % 26);
        }
        return line;
    }
}

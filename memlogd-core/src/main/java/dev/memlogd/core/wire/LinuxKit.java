package dev.memlogd.core.wire;

/**
 * LinuxKit's logging protocol, described once for every tool of this project.
 *
 * <p>The log socket is a Unix datagram socket: each datagram carries a source name as its
 * payload and one or more file descriptors in {@code SCM_RIGHTS}. The query socket is a
 * Unix stream socket: the client writes one mode byte, the server answers with one JSON
 * object per line. See {@code docs/protocol.md}.
 */
public final class LinuxKit {
    /** LinuxKit's default log (fd-passing) socket. */
    public static final String DEFAULT_LOG_SOCKET = "/var/run/linuxkit-external-logging.sock";
    /** LinuxKit's default query socket. */
    public static final String DEFAULT_QUERY_SOCKET = "/var/run/memlogdq.sock";

    /** Mode byte: write the ring and close. */
    public static final byte MODE_DUMP = 0;
    /** Mode byte: write entries as they arrive. */
    public static final byte MODE_FOLLOW = 1;
    /** Mode byte: write the ring, then follow, with no gap and no duplicate. */
    public static final byte MODE_DUMP_FOLLOW = 2;
    /** Our extension: the mode byte is followed by one JSON request line ({@link QueryRequest}). */
    public static final byte MODE_QUERY = 3;

    /** LinuxKit's default ring size in entries ({@code -max-lines}). */
    public static final int DEFAULT_MAX_LINES = 5000;
    /** LinuxKit's default bytes kept per line ({@code -max-line-len}). */
    public static final int DEFAULT_MAX_LINE_LEN = 1024;
    /** LinuxKit reads source names of up to this many bytes. */
    public static final int MAX_NAME_LEN = 512;

    /** Source of the daemon's own entries. */
    public static final String SOURCE_MEMLOGD = "memlogd";
    /** Suffix LinuxKit's init gives a service's stdout; stderr has the bare name. */
    public static final String STDOUT_SUFFIX = ".out";

    private LinuxKit() {
    }
}

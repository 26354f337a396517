package dev.memlogd.core.cli;

/**
 * Exit codes shared by the command-line programs. The numbers of {@link #NO_DAEMON} and
 * {@link #IO_ERROR} are BSD's {@code sysexits.h} ({@code EX_UNAVAILABLE}, {@code EX_IOERR}).
 * Each program lists the ones it uses in its {@code --help} (picocli {@code exitCodeList}).
 */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** A failure not covered by a more specific code. */
    public static final int FAILURE = 1;
    /** Bad command line (picocli's own usage-error code). */
    public static final int USAGE = 2;
    /** No memlogd answers on the socket: missing, refused or forbidden ({@code EX_UNAVAILABLE}). */
    public static final int NO_DAEMON = 69;
    /** Reading from the daemon or writing the output failed ({@code EX_IOERR}). */
    public static final int IO_ERROR = 74;

    private ExitCodes() {
    }
}

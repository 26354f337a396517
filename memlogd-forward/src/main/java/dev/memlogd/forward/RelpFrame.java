package dev.memlogd.forward;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One RELP frame (rsyslog's Reliable Event Logging Protocol, librelp's {@code doc/relp.md}), as
 * sent and as read by {@link Parser}. Immutable (the data array is not copied: do not change it).
 * <pre>
 *   TXNR SP COMMAND SP DATALEN [SP DATA] LF
 *   1-9 digits  1-32 letters  1-9 digits: DATA's length; no SP and no DATA when 0
 *
 *   "1 open 60 relp_version=0\nrelp_software=memlogd-forward,dev\ncommands=syslog\n"
 *   "1 rsp 88 200 OK\nrelp_version=0\nrelp_software=…\ncommands=syslog\n"     the session is open
 *   "2 syslog 87 &lt;14&gt;1 2026-… GET / 200\n"                                 one message
 *   "2 rsp 6 200 OK\n"                                                       the collector has it
 *   "0 serverclose 0\n"                                  a hint (txnr 0): the server closes the session
 * </pre>
 * The data of a {@code rsp} is {@code STATUS SP TEXT [LF MORE]}: 200 is OK, anything else an
 * error; {@code MORE} holds the server's offers in the answer to {@code open}. A client's txnrs
 * start at 1 and go up by one per command; the server answers in order.
 */
record RelpFrame(int txnr, String command, byte[] data) {
    /** The txnr of hints, which are never answered. */
    static final int HINT_TXNR = 0;
    /** The highest txnr; the next is 1 again. */
    static final int MAX_TXNR = 999_999_999;
    static final int MAX_COMMAND_LENGTH = 32;
    private static final int MAX_DIGITS = 9;
    static final String OPEN = "open";
    static final String SYSLOG = "syslog";
    static final String CLOSE = "close";
    static final String RSP = "rsp";
    static final String SERVERCLOSE = "serverclose";
    static final int STATUS_OK = 200;

    /** The txnr after {@code txnr} (1 after {@value #MAX_TXNR}). */
    static int next(int txnr) {
        return txnr >= MAX_TXNR ? 1 : txnr + 1;
    }

    /** Writes the frame {@code TXNR COMMAND DATALEN [DATA]} to {@code out}. */
    static void write(OutputStream out, int txnr, String command, byte[] data) throws IOException {
        String header = txnr + " " + command + " " + data.length;
        out.write(header.getBytes(StandardCharsets.US_ASCII));
        if (data.length > 0) {
            out.write(' ');
            out.write(data);
        }
        out.write('\n');
    }

    /** A {@code rsp}'s status code (200: OK). @throws IOException when the data does not start with 3 digits */
    int status() throws IOException {
        if (data.length < 3 || !digit(data[0]) || !digit(data[1]) || !digit(data[2])
                || data.length > 3 && data[3] != ' ' && data[3] != '\n') {
            throw new IOException("not a RELP response (STATUS SP TEXT): txnr " + txnr + " '" + text(0, 80) + "'");
        }
        return (data[0] - '0') * 100 + (data[1] - '0') * 10 + (data[2] - '0');
    }

    /** A {@code rsp}'s first line (status and text), for messages. */
    String statusLine() {
        int newline = indexOf('\n');
        return text(0, Math.min(newline < 0 ? data.length : newline, 200));
    }

    /** What a {@code rsp} holds after its first line (the offers of the answer to {@code open}); "" if nothing. */
    String afterStatusLine() {
        int newline = indexOf('\n');
        return newline < 0 ? "" : text(newline + 1, data.length);
    }

    private int indexOf(char c) {
        for (int i = 0; i < data.length; i++) {
            if (data[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private String text(int from, int to) {
        return new String(data, from, Math.min(to, data.length) - from, StandardCharsets.UTF_8);
    }

    private static boolean digit(int b) {
        return b >= '0' && b <= '9';
    }

    private static boolean letter(int b) {
        return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z';
    }

    /** What reading gets: each complete frame, whatever the reads cut it into. */
    interface Handler {
        void frame(RelpFrame frame) throws IOException;
    }

    /**
     * Reads frames from bytes as they come (a frame may span any number of reads, a read may
     * hold any number of frames). One thread. After an IOException (not RELP) it must not be fed
     * again: the connection is to be closed, as the specification says.
     */
    static final class Parser {
        private enum State { TXNR, COMMAND, DATALEN, DATA, TRAILER }

        private final int maxDataBytes;
        private State state = State.TXNR;
        private int digits;
        private int txnr;
        private final StringBuilder command = new StringBuilder(MAX_COMMAND_LENGTH);
        private int dataLength;
        private byte[] data;
        private int dataRead;

        /** @param maxDataBytes the longest DATA taken; a longer DATALEN is an error */
        Parser(int maxDataBytes) {
            this.maxDataBytes = maxDataBytes;
        }

        /** Whether no frame is begun and not ended (nothing left over from the reads so far). */
        boolean idle() {
            return state == State.TXNR && digits == 0;
        }

        /**
         * Parses {@code bytes[from, from + length)}, handing each frame it completes to {@code handler}.
         *
         * @throws IOException the bytes are not RELP (saying what and where), or the handler's
         */
        void feed(byte[] bytes, int from, int length, Handler handler) throws IOException {
            int end = from + length;
            int i = from;
            while (i < end) {
                if (state == State.DATA) {
                    int n = Math.min(dataLength - dataRead, end - i);
                    System.arraycopy(bytes, i, data, dataRead, n);
                    dataRead += n;
                    i += n;
                    if (dataRead == dataLength) {
                        state = State.TRAILER;
                    }
                    continue;
                }
                byte b = bytes[i++];
                switch (state) {
                    case TXNR -> {
                        if (digit(b) && digits < MAX_DIGITS) {
                            txnr = txnr * 10 + (b - '0');
                            digits++;
                        } else if (b == ' ' && digits > 0) {
                            state = State.COMMAND;
                        } else {
                            throw bad("TXNR (1-9 digits)", b);
                        }
                    }
                    case COMMAND -> {
                        if (letter(b) && command.length() < MAX_COMMAND_LENGTH) {
                            command.append((char) b);
                        } else if (b == ' ' && command.length() > 0) {
                            state = State.DATALEN;
                            digits = 0;
                        } else {
                            throw bad("COMMAND (1-32 letters)", b);
                        }
                    }
                    case DATALEN -> {
                        if (digit(b) && digits < MAX_DIGITS) {
                            dataLength = dataLength * 10 + (b - '0');
                            digits++;
                        } else if (digits > 0 && dataLength == 0 && b == '\n') {
                            data = new byte[0];
                            complete(handler);
                        } else if (digits > 0 && dataLength > 0 && b == ' ') {
                            if (dataLength > maxDataBytes) {
                                throw new IOException("RELP frame txnr " + txnr + " " + command + " has DATALEN "
                                        + dataLength + ", more than the " + maxDataBytes + " taken");
                            }
                            data = new byte[dataLength];
                            dataRead = 0;
                            state = State.DATA;
                        } else {
                            throw bad("DATALEN (1-9 digits)", b);
                        }
                    }
                    case TRAILER -> {
                        if (b != '\n') {
                            throw bad("LF after " + dataLength + " bytes of DATA", b);
                        }
                        complete(handler);
                    }
                    default -> throw new IllegalStateException(state.name());
                }
            }
        }

        private void complete(Handler handler) throws IOException {
            RelpFrame frame = new RelpFrame(txnr, command.toString(), data);
            state = State.TXNR;
            digits = 0;
            txnr = 0;
            command.setLength(0);
            dataLength = 0;
            data = null;
            handler.frame(frame);
        }

        private IOException bad(String expected, byte b) {
            String got = b >= ' ' && b < 127 ? "'" + (char) b + "'" : "byte " + (b & 0xff);
            return new IOException("not a RELP frame: expected " + expected + ", got " + got
                    + (state == State.TXNR ? "" : " (txnr " + txnr + (command.length() > 0 ? " " + command : "") + ")"));
        }
    }
}

package dev.memlogd.kmsg;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;

/**
 * Reads the kernel log and delivers one line per record, in order, each once: after the last
 * record a previous run delivered in this boot ({@link KmsgState}), or from the oldest the
 * kernel holds, or (follow-only) from records logged after the start. A gap in the sequence
 * numbers (the kernel overwrote records before they were read: {@code read} failed with
 * {@code EPIPE}, or while kmsg-reader was not running, or before it first started) becomes one
 * line saying how many records were lost and which. One thread.
 */
final class KmsgReader implements KmsgParser.Records {
    /** Where lines go: stderr (LinuxKit's way) or a stream to memlogd. */
    interface Output {
        void write(byte[] line) throws IOException;
    }

    /** Larger than any record: the kernel refuses a read into a smaller buffer (EINVAL). */
    private static final int READ_BUFFER = 16 << 10;

    private final InputStream in;
    private final boolean device;
    private final Output out;
    private final KmsgState state;
    private final BootClock clock;
    private final KmsgFormat.Continuation continuation;
    private final boolean priorityPrefix;
    private final PrintStream log;
    private final KmsgParser parser = new KmsgParser();
    /** Records up to this seq were delivered (by this run or the one before), -1 for none. */
    private long delivered;
    /** Follow-only: records stamped before this (µs since boot) are skipped. */
    private final long skipBeforeUsec;
    private boolean first = true;
    private IOException failure;

    /**
     * @param device        {@code in} is the kmsg device: one record per read
     * @param lastDelivered from the state file, -1 for none
     * @param followOnly    skip the records logged before now
     */
    KmsgReader(InputStream in, boolean device, Output out, KmsgState state, BootClock clock,
            KmsgFormat.Continuation continuation, boolean priorityPrefix, long lastDelivered, boolean followOnly,
            PrintStream log) {
        this.in = in;
        this.device = device;
        this.out = out;
        this.state = state;
        this.clock = clock;
        this.continuation = continuation;
        this.priorityPrefix = priorityPrefix;
        this.delivered = lastDelivered;
        this.skipBeforeUsec = followOnly ? clock.nowUsec() : -1;
        this.log = log;
    }

    /** Opens the kernel log for reading, saying what is needed when it cannot be. */
    static FileInputStream open(String path) throws IOException {
        try {
            return new FileInputStream(path);
        } catch (IOException e) {
            // FileInputStream says "PATH (reason)": the reason alone.
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            if (reason.startsWith(path + " (") && reason.endsWith(")")) {
                reason = reason.substring(path.length() + 2, reason.length() - 1);
            }
            throw new IOException("cannot open " + path + ": " + reason + " (reading /dev/kmsg needs"
                    + " CAP_SYSLOG where kernel.dmesg_restrict is 1, as it is on most systems)", e);
        }
    }

    /** Reads until the end of input (a file; the device has none) or a failure to deliver. */
    void run() throws IOException {
        byte[] buf = new byte[READ_BUFFER];
        while (true) {
            int n;
            try {
                n = in.read(buf);
            } catch (IOException e) {
                if (isOverwritten(e)) {
                    continue; // the kernel overwrote what we had not read: the next seq tells how much
                }
                throw e;
            }
            if (n < 0) {
                parser.finish(this);
                throwIfFailed();
                return;
            }
            parser.feed(buf, n, device, this);
            throwIfFailed();
        }
    }

    private static boolean isOverwritten(IOException e) {
        return e.getMessage() != null && e.getMessage().contains("Broken pipe");
    }

    private void throwIfFailed() throws IOException {
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void record(KmsgRecord record) {
        if (failure != null || record.seq() <= delivered) {
            return; // delivered before a restart
        }
        if (skipBeforeUsec >= 0 && first && record.usec() < skipBeforeUsec) {
            return; // follow-only: logged before we started
        }
        try {
            long expected = delivered + 1;
            if (first && delivered < 0 && skipBeforeUsec >= 0) {
                expected = record.seq(); // follow-only: no claim about what came before
            }
            if (record.seq() > expected) {
                out.write(KmsgFormat.ownLine(gapMessage(expected, record.seq() - 1),
                        clock.wallNanos(record.usec()), priorityPrefix));
            }
            first = false;
            out.write(KmsgFormat.line(record, clock.wallNanos(record.usec()), continuation, priorityPrefix));
            delivered = record.seq();
            state.save(delivered);
        } catch (IOException e) {
            failure = e;
        }
    }

    private String gapMessage(long from, long to) {
        long lost = to - from + 1;
        String when = first && delivered < 0 ? " before kmsg-reader first read the kernel log"
                : first ? " while kmsg-reader was not running" : "";
        return lost + (lost == 1 ? " record" : " records") + " lost (seq " + from + (lost > 1 ? " to " + to : "")
                + "): the kernel overwrote " + (lost == 1 ? "it" : "them") + " before " + (lost == 1 ? "it" : "they")
                + " could be read" + when;
    }

    @Override
    public void malformed(String text, String why) {
        log.println("kmsg-reader: skipped a record that is not the kernel's format (" + why + "): " + text);
        log.flush();
    }
}

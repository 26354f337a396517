package dev.memlogd.kmsg;

import java.util.List;

/**
 * One record of the kernel log as {@code /dev/kmsg} gives it (the kernel's
 * {@code Documentation/ABI/testing/dev-kmsg}):
 * {@code priority,sequence,timestamp_usec,flags[,…];message\n} then continuation lines
 * {@code  KEY=value\n} (the record's dictionary, each line starting with a space).
 *
 * @param priority syslog priority: facility × 8 + level
 * @param seq      the kernel's sequence number, one per record since boot
 * @param usec     microseconds since boot on the kernel's log clock (it stops during suspend)
 * @param message  the message as the kernel wrote it, bytes kept as ISO-8859-1 chars (non-printable
 *                 bytes and {@code \} arrive escaped as {@code \xNN})
 * @param dict     the continuation lines, without their leading space
 */
record KmsgRecord(int priority, long seq, long usec, String message, List<String> dict) {
    /** Syslog facility: 0 kern, 1 user, … */
    int facility() {
        return priority >> 3;
    }

    /** Syslog level: 0 emerg … 3 err, 4 warning, 6 info, 7 debug. */
    int level() {
        return priority & 7;
    }
}

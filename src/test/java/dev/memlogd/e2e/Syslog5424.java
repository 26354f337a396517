package dev.memlogd.e2e;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One RFC 5424 message as the forwarder writes it and rsyslog's {@code %rawmsg%} keeps it,
 * taken apart for assertions: {@code <PRI>1 TS HOST APP - MSGID [memlogd@32473 k="v"...] MSG}.
 */
record Syslog5424(int pri, String timestamp, String hostname, String appName, String msgId, String sd, String msg) {
    private static final Pattern MESSAGE = Pattern.compile(
            "<(\\d{1,3})>1 (\\S+) (\\S+) (\\S+) - (\\S+) (\\[memlogd@32473(?:[^\\]\\\\]|\\\\.)*\\])(?: (.*))?",
            Pattern.DOTALL);

    static Syslog5424 parse(String line) {
        Matcher m = MESSAGE.matcher(line);
        if (!m.matches()) {
            throw new AssertionError("not an RFC 5424 message from memlogd-forward: " + line);
        }
        return new Syslog5424(Integer.parseInt(m.group(1)), m.group(2), m.group(3), m.group(4), m.group(5),
                m.group(6), m.group(7) == null ? "" : m.group(7));
    }

    /** A structured-data parameter's value as written (escapes kept), or null. */
    String param(String name) {
        Matcher m = Pattern.compile(" " + Pattern.quote(name) + "=\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(sd);
        return m.find() ? m.group(1) : null;
    }

    /** The seq parameter, -1 without one. */
    long seq() {
        String seq = param("seq");
        return seq == null ? -1 : Long.parseLong(seq);
    }

    /** The message without the UTF-8 BOM that starts a non-ASCII one. */
    String text() {
        return msg.startsWith("\ufeff") ? msg.substring(1) : msg;
    }
}

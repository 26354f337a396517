package dev.memlogd.core.wire;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.BitSet;

/**
 * A small streaming JSON writer for documents that are not log entries (entries have
 * {@link EntryJsonEncoder}, which matches Go's bytes): the bundle's {@code summary.json}, the
 * data embedded in its {@code index.html}.
 *
 * <p>Strings are escaped as RFC 8259 requires, and {@code <}, {@code >}, {@code &}, U+2028 and
 * U+2029 as {@code \}{@code uXXXX} too (as Go's encoder does), so that the output can sit inside
 * an HTML {@code <script>} element unchanged. An unpaired surrogate is written as U+FFFD.
 * Commas are placed by the writer; a name must come before each value inside an object.
 *
 * <p>Not thread-safe. I/O errors of the underlying {@link Appendable} are thrown as
 * {@link UncheckedIOException}, so that callers can chain calls.
 */
public final class JsonWriter {
    private static final int MAX_DEPTH = 64;
    private final Appendable out;
    /** Per depth: whether the container has no element yet. */
    private final BitSet empty = new BitSet(MAX_DEPTH);
    private int depth;
    private boolean afterName;

    public JsonWriter(Appendable out) {
        this.out = out;
    }

    public JsonWriter beginObject() {
        return open('{');
    }

    public JsonWriter endObject() {
        return close('}');
    }

    public JsonWriter beginArray() {
        return open('[');
    }

    public JsonWriter endArray() {
        return close(']');
    }

    /** The next member's name, inside an object. */
    public JsonWriter name(String name) {
        separate();
        string(name);
        append(':');
        afterName = true;
        return this;
    }

    public JsonWriter value(String value) {
        if (value == null) {
            return nullValue();
        }
        separate();
        string(value);
        return this;
    }

    public JsonWriter value(long value) {
        separate();
        append(Long.toString(value));
        return this;
    }

    public JsonWriter value(boolean value) {
        separate();
        append(value ? "true" : "false");
        return this;
    }

    /** A finite number; NaN and infinities, which JSON cannot hold, are written as null. */
    public JsonWriter value(double value) {
        if (!Double.isFinite(value)) {
            return nullValue();
        }
        separate();
        append(value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : Double.toString(value));
        return this;
    }

    public JsonWriter nullValue() {
        separate();
        append("null");
        return this;
    }

    /**
     * A value that is JSON already (a daemon's answer, passed on as it came). It must not hold
     * {@code <}, which this writer's own output never does, so the document stays safe inside
     * an HTML {@code <script>} element.
     *
     * @throws IllegalArgumentException when {@code json} holds {@code <}
     */
    public JsonWriter raw(String json) {
        if (json.indexOf('<') >= 0) {
            throw new IllegalArgumentException("raw JSON holds '<': write it escaped");
        }
        separate();
        append(json);
        return this;
    }

    /** {@code name} then {@code value}: the common case of one member. */
    public JsonWriter member(String name, String value) {
        return name(name).value(value);
    }

    public JsonWriter member(String name, long value) {
        return name(name).value(value);
    }

    public JsonWriter member(String name, boolean value) {
        return name(name).value(value);
    }

    private JsonWriter open(char bracket) {
        if (depth == MAX_DEPTH) {
            throw new IllegalStateException("JSON nested deeper than " + MAX_DEPTH);
        }
        separate();
        append(bracket);
        empty.set(++depth);
        return this;
    }

    private JsonWriter close(char bracket) {
        if (depth == 0) {
            throw new IllegalStateException("no open container to close with " + bracket);
        }
        depth--;
        append(bracket);
        return this;
    }

    private void separate() {
        if (afterName) {
            afterName = false;
            return;
        }
        if (depth > 0) {
            if (empty.get(depth)) {
                empty.clear(depth);
            } else {
                append(',');
            }
        }
    }

    private void string(String s) {
        append('"');
        int plainFrom = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String escape = escape(s, i, c);
            if (escape != null) {
                append(s, plainFrom, i);
                append(escape);
                plainFrom = i + 1;
            }
        }
        append(s, plainFrom, s.length());
        append('"');
    }

    private static String escape(String s, int i, char c) {
        switch (c) {
            case '"':
                return "\\\"";
            case '\\':
                return "\\\\";
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            case '<':
            case '>':
            case '&':
            case '\u2028':
            case '\u2029':
                return hex(c);
            default:
                if (c < 0x20 || c == 0x7f) {
                    return hex(c);
                }
                if (Character.isHighSurrogate(c)) {
                    return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)) ? null : "\\ufffd";
                }
                if (Character.isLowSurrogate(c)) {
                    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1)) ? null : "\\ufffd";
                }
                return null;
        }
    }

    private static String hex(char c) {
        return String.format("\\u%04x", (int) c);
    }

    private void append(char c) {
        try {
            out.append(c);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void append(CharSequence s) {
        append(s, 0, s.length());
    }

    private void append(CharSequence s, int from, int to) {
        if (from == to) {
            return;
        }
        try {
            out.append(s, from, to);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

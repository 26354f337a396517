package dev.memlogd.core.wire;

/**
 * A small strict JSON reader over one line of text, enough for {@link EntryJsonParser} and
 * {@link QueryRequest}: objects read field by field, strings with every escape, integer
 * numbers, booleans, null, and skipping of any value (nested ones included).
 *
 * <p>Strict as RFC 8259 and Go's {@code encoding/json}: no comments, no trailing commas, no
 * raw control characters in strings. Decoding of {@code \}{@code u} escapes follows Go: a valid
 * surrogate pair is one code point, a lone surrogate becomes U+FFFD.
 *
 * <p>Not thread-safe (it has a position); errors are {@link IllegalArgumentException}s naming
 * the position and showing up to about 100 characters of the text around it.
 */
final class JsonReader {
    /** Deeper unknown values are refused rather than risking the stack while skipping them. */
    private static final int MAX_DEPTH = 512;
    private static final int EXCERPT = 100;

    private final String text;
    private int pos;

    JsonReader(String text) {
        if (text == null) {
            throw new IllegalArgumentException("no JSON text (null)");
        }
        this.text = text;
    }

    /** Consumes {@code {} and returns the first field's name, or null for {@code {}}. */
    String beginObject() {
        expect('{');
        skipWhitespace();
        if (consume('}')) {
            return null;
        }
        return fieldName();
    }

    /** After a field's value: the next field's name, or null when the object ended. */
    String nextField() {
        skipWhitespace();
        if (consume('}')) {
            return null;
        }
        expect(',');
        return fieldName();
    }

    /** Consumes {@code [} and reports whether the array has a first element. */
    boolean beginArray() {
        expect('[');
        skipWhitespace();
        return !consume(']');
    }

    /** After an element: whether another follows (consuming the comma) or the array ended. */
    boolean nextElement() {
        skipWhitespace();
        if (consume(']')) {
            return false;
        }
        expect(',');
        return true;
    }

    /** The first character of the next value, after whitespace, without consuming it. */
    char peek() {
        skipWhitespace();
        if (pos >= text.length()) {
            throw fail("unexpected end of the text");
        }
        return text.charAt(pos);
    }

    /** Consumes {@code null} if it comes next. */
    boolean readNull() {
        if (peek() == 'n') {
            literal("null");
            return true;
        }
        return false;
    }

    boolean readBoolean() {
        char c = peek();
        if (c == 't') {
            literal("true");
            return true;
        }
        if (c == 'f') {
            literal("false");
            return false;
        }
        throw fail("expected true or false");
    }

    /** A JSON number that is an integer within the range of a long (no fraction, no exponent). */
    long readLong() {
        char c = peek();
        if (c != '-' && !isDigit(c)) {
            throw fail("expected an integer");
        }
        int start = pos;
        skipNumber();
        String number = text.substring(start, pos);
        if (number.indexOf('.') >= 0 || number.indexOf('e') >= 0 || number.indexOf('E') >= 0) {
            pos = start;
            throw fail("expected an integer, not " + number);
        }
        try {
            return Long.parseLong(number);
        } catch (NumberFormatException e) {
            pos = start;
            throw fail("integer out of range: " + number);
        }
    }

    /** Any JSON number: a {@link Long} when it is an integer that fits, else a {@link Double}. */
    Number readNumber() {
        char c = peek();
        if (c != '-' && !isDigit(c)) {
            throw fail("expected a number");
        }
        int start = pos;
        skipNumber();
        String number = text.substring(start, pos);
        if (number.indexOf('.') < 0 && number.indexOf('e') < 0 && number.indexOf('E') < 0) {
            try {
                return Long.parseLong(number);
            } catch (NumberFormatException e) {
                // beyond a long: a double
            }
        }
        return Double.parseDouble(number);
    }

    String readString() {
        if (peek() != '"') {
            throw fail("expected a string");
        }
        pos++;
        int start = pos;
        // Fast path: no escapes, the string is a plain substring.
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '"') {
                return text.substring(start, pos++);
            }
            if (c == '\\') {
                break;
            }
            if (c < 0x20) {
                throw fail("control character U+00" + Character.forDigit(c >> 4, 16) + Character.forDigit(c & 0xf, 16)
                        + " in a string must be escaped");
            }
            pos++;
        }
        StringBuilder sb = new StringBuilder(pos - start + 16).append(text, start, pos);
        while (true) {
            if (pos >= text.length()) {
                throw fail("unterminated string");
            }
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                return sb.toString();
            }
            if (c < 0x20) {
                throw fail("control character in a string must be escaped");
            }
            if (c != '\\') {
                sb.append(c);
                pos++;
                continue;
            }
            if (pos + 1 >= text.length()) {
                throw fail("unterminated string");
            }
            char e = text.charAt(pos + 1);
            pos += 2;
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> appendUnicodeEscape(sb);
                default -> {
                    pos -= 2;
                    throw fail("invalid escape \\" + e);
                }
            }
        }
    }

    /** Skips one value of any type. */
    void skipValue() {
        skipValue(0);
    }

    /** Checks that only whitespace is left. */
    void expectEnd() {
        skipWhitespace();
        if (pos < text.length()) {
            throw fail("unexpected text after the JSON value");
        }
    }

    int position() {
        return pos;
    }

    /** An error at the current position, with an excerpt of the text around it. */
    IllegalArgumentException fail(String what) {
        return failAt(pos, what);
    }

    /** An error at {@code at}, with an excerpt of the text around it. */
    IllegalArgumentException failAt(int at, String what) {
        int from = Math.max(0, Math.min(at - EXCERPT / 2, text.length() - EXCERPT));
        int to = Math.min(text.length(), from + EXCERPT);
        String excerpt = (from > 0 ? "…" : "") + text.substring(from, to) + (to < text.length() ? "…" : "");
        return new IllegalArgumentException(what + " at position " + at + " in " + excerpt);
    }

    private void appendUnicodeEscape(StringBuilder sb) {
        char c = hex4();
        if (Character.isHighSurrogate(c) && text.startsWith("\\u", pos)) {
            int mark = pos;
            pos += 2;
            char low = hex4();
            if (Character.isLowSurrogate(low)) {
                sb.append(c).append(low);
                return;
            }
            pos = mark; // not a pair: the next escape is decoded on its own, as Go does
        }
        sb.append(Character.isSurrogate(c) ? '\ufffd' : c);
    }

    private char hex4() {
        if (pos + 4 > text.length()) {
            throw fail("truncated \\u escape");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            char h = text.charAt(pos + i);
            // Character.digit would also take non-ASCII digits (fullwidth, Arabic-Indic); JSON does not.
            int d = h <= 'f' ? Character.digit(h, 16) : -1;
            if (d < 0) {
                throw fail("invalid \\u escape");
            }
            v = v << 4 | d;
        }
        pos += 4;
        return (char) v;
    }

    private void skipValue(int depth) {
        if (depth > MAX_DEPTH) {
            throw fail("JSON nested deeper than " + MAX_DEPTH + " levels");
        }
        char c = peek();
        switch (c) {
            case '{' -> {
                for (String name = beginObject(); name != null; name = nextField()) {
                    skipValue(depth + 1);
                }
            }
            case '[' -> {
                if (beginArray()) {
                    do {
                        skipValue(depth + 1);
                    } while (nextElement());
                }
            }
            case '"' -> readString();
            case 't', 'f' -> readBoolean();
            case 'n' -> literal("null");
            default -> {
                if (c != '-' && !isDigit(c)) {
                    throw fail("expected a JSON value");
                }
                skipNumber();
            }
        }
    }

    /** Consumes one number by JSON's grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
    private void skipNumber() {
        consume('-');
        if (consume('0')) {
            if (pos < text.length() && isDigit(text.charAt(pos))) {
                throw fail("leading zero in a number");
            }
        } else {
            digits();
        }
        if (consume('.')) {
            digits();
        }
        if (consume('e') || consume('E')) {
            if (!consume('+')) {
                consume('-');
            }
            digits();
        }
    }

    private void digits() {
        int start = pos;
        while (pos < text.length() && isDigit(text.charAt(pos))) {
            pos++;
        }
        if (pos == start) {
            throw fail("expected a digit");
        }
    }

    private String fieldName() {
        skipWhitespace();
        if (pos >= text.length() || text.charAt(pos) != '"') {
            throw fail("expected a field name");
        }
        String name = readString();
        expect(':');
        return name;
    }

    private void literal(String word) {
        if (!text.startsWith(word, pos)) {
            throw fail("expected " + word);
        }
        pos += word.length();
    }

    private void expect(char c) {
        skipWhitespace();
        if (!consume(c)) {
            throw fail(pos >= text.length() ? "unexpected end of the text, expected '" + c + "'"
                    : "expected '" + c + "'");
        }
    }

    private boolean consume(char c) {
        if (pos < text.length() && text.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}

package dev.memlogd.core.wire;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON document as plain Java values, for answers read whole (the daemon's statistics):
 * objects as {@link Map} (fields in order), arrays as {@link List}, strings, {@link Long} or
 * {@link Double} numbers, booleans and null. Entries, read by the million, have
 * {@link EntryJsonParser} instead. Stateless.
 */
public final class JsonTree {
    /** Deeper nesting is refused: a bounded recursion whatever the input. */
    public static final int MAX_DEPTH = 32;

    private JsonTree() {
    }

    /**
     * @throws IllegalArgumentException when {@code json} is not one JSON value, or nests deeper than {@link #MAX_DEPTH}
     */
    public static Object parse(String json) {
        JsonReader r = new JsonReader(json);
        Object value = value(r, 0);
        r.expectEnd();
        return value;
    }

    private static Object value(JsonReader r, int depth) {
        if (depth > MAX_DEPTH) {
            throw r.fail("nested deeper than " + MAX_DEPTH);
        }
        char c = r.peek();
        switch (c) {
            case '{': {
                Map<String, Object> object = new LinkedHashMap<>();
                for (String name = r.beginObject(); name != null; name = r.nextField()) {
                    object.put(name, value(r, depth + 1));
                }
                return object;
            }
            case '[': {
                List<Object> array = new ArrayList<>();
                if (r.beginArray()) {
                    do {
                        array.add(value(r, depth + 1));
                    } while (r.nextElement());
                }
                return array;
            }
            case '"':
                return r.readString();
            case 't':
            case 'f':
                return r.readBoolean();
            case 'n':
                r.readNull();
                return null;
            default:
                return r.readNumber();
        }
    }
}

package dev.memlogd.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonTreeTest {
    @Test
    void readsEveryKindOfValueInOrder() {
        Object tree = JsonTree.parse("{\"a\":1,\"b\":[2.5,\"x\",true,null,{}],\"c\":-9223372036854775808,\"d\":1e3}");
        assertEquals(Map.of("a", 1L, "b", Arrays.asList(2.5, "x", true, null, Map.of()),
                "c", Long.MIN_VALUE, "d", 1000.0), tree);
        assertEquals(List.of("a", "b", "c", "d"), List.copyOf(((Map<?, ?>) tree).keySet()));
    }

    @Test
    void readsWhatJsonWriterWrites() {
        StringBuilder sb = new StringBuilder();
        new JsonWriter(sb).beginObject().member("s", "<\u2028\"").name("n").value(0.25).endObject();
        assertEquals(Map.of("s", "<\u2028\"", "n", 0.25), JsonTree.parse(sb.toString()));
    }

    @Test
    void refusesDeepNestingAndTrailingText() {
        assertThrows(IllegalArgumentException.class, () -> JsonTree.parse("[".repeat(40) + "]".repeat(40)));
        assertThrows(IllegalArgumentException.class, () -> JsonTree.parse("{} x"));
    }
}

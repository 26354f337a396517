package dev.memlogd.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class JsonWriterTest {
    @Test
    void placesCommasAndColonsInNestedContainers() {
        StringBuilder sb = new StringBuilder();
        new JsonWriter(sb).beginObject()
                .member("a", 1).name("b").beginArray().value("x").value(true).nullValue().beginObject().endObject()
                .endArray().member("c", false).name("d").value(2.5)
                .endObject();
        assertEquals("{\"a\":1,\"b\":[\"x\",true,null,{}],\"c\":false,\"d\":2.5}", sb.toString());
    }

    @Test
    void escapesWhatJsonAndAnEnclosingScriptElementNeed() {
        StringBuilder sb = new StringBuilder();
        new JsonWriter(sb).value("\"\\\n\t\u0001</script>&\u2028");
        assertEquals("\"\\\"\\\\\\n\\t\\u0001\\u003c/script\\u003e\\u0026\\u2028\"", sb.toString());
    }

    @Test
    void writesUnpairedSurrogatesAsReplacementCharacterAndKeepsPairs() {
        StringBuilder sb = new StringBuilder();
        new JsonWriter(sb).beginArray().value("a\ud800b").value("\udc00").value("\ud83d\ude00").endArray();
        assertEquals("[\"a\\ufffdb\",\"\\ufffd\",\"\ud83d\ude00\"]", sb.toString());
    }

    @Test
    void writesNumbersThatJsonCannotHoldAsNull() {
        StringBuilder sb = new StringBuilder();
        new JsonWriter(sb).beginArray().value(Double.NaN).value(Double.POSITIVE_INFINITY).value(3.0).endArray();
        assertEquals("[null,null,3]", sb.toString());
    }

    @Test
    void refusesToCloseWhatWasNotOpened() {
        assertThrows(IllegalStateException.class, () -> new JsonWriter(new StringBuilder()).endObject());
    }
}

package dev.memlogd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.memlogd.core.ring.RecordDescriptor;

class LineSplitterTest {
    private final List<String> lines = new ArrayList<>();
    private final LineSplitter splitter = new LineSplitter(8, (source, data, index, length, flags) -> {
        byte[] bytes = new byte[length];
        data.get(index, bytes);
        String line = new String(bytes, StandardCharsets.ISO_8859_1);
        lines.add((flags & RecordDescriptor.FLAG_TRUNCATED) != 0 ? line + "[cut]" : line);
    });
    private final Source source = new Source("s", new byte[] {'s'}, null, -1);

    private void feed(String text) {
        splitter.split(source, ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void splitsOnNewlineAndKeepsEmptyLines() {
        feed("a\n\nb\n");

        assertEquals(List.of("a", "", "b"), lines);
    }

    @Test
    void crLfEndingLosesTheCrButALoneCrStays() {
        feed("a\r\nb\rc\n");

        assertEquals(List.of("a", "b\rc"), lines);
    }

    @Test
    void lineSpanningReadsIsJoined() {
        feed("hel");
        feed("lo");
        feed("\nx\n");

        assertEquals(List.of("hello", "x"), lines);
    }

    @Test
    void longLineIsCutAndTheRestUpToNewlineDropped() {
        feed("0123456789abc\nnext\n");

        assertEquals(List.of("01234567[cut]", "next"), lines);
    }

    @Test
    void longLineSpanningReadsIsCutOnceAndTheRestDropped() {
        feed("0123");
        feed("456789");
        feed("abcdef");
        feed("\nok\n");

        assertEquals(List.of("01234567[cut]", "ok"), lines);
    }

    @Test
    void lineOfExactlyMaxLengthWithCrLfIsNotTruncated() {
        feed("01234567\r\n");
        feed("0123");
        feed("4567\r");
        feed("\n");

        assertEquals(List.of("01234567", "01234567"), lines);
    }

    @Test
    void lastLineWithoutNewlineIsEmittedAtEndOfInputWithItsCr() {
        feed("a\nlast\r");

        splitter.endOfInput(source);

        assertEquals(List.of("a", "last\r"), lines);
    }

    @Test
    void endOfInputWithoutPartialLineEmitsNothing() {
        feed("a\n");

        splitter.endOfInput(source);

        assertEquals(List.of("a"), lines);
    }
}

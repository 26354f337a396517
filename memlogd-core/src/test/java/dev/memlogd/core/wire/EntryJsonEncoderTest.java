package dev.memlogd.core.wire;

import static dev.memlogd.core.wire.Records.bytes;
import static dev.memlogd.core.wire.Records.concat;
import static dev.memlogd.core.wire.Records.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.memlogd.core.ring.RecordDescriptor;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EntryJsonEncoderTest {
    /** 2026-11-23T00:24:04.28156085Z, the protocol document's example. */
    private static final long TIME = Instant.parse("2026-11-23T00:24:04.281560850Z").getEpochSecond() * 1_000_000_000L
            + 281_560_850;
    private static final String TIME_TEXT = "2026-11-23T00:24:04.28156085Z";

    private static String encode(ByteBuffer ring) {
        int sl = ring.getInt(RecordDescriptor.sourceLengthOffset(Records.OFFSET));
        int ml = ring.getInt(RecordDescriptor.msgLengthOffset(Records.OFFSET));
        ByteBuffer out = ByteBuffer.allocate(EntryJsonEncoder.maxEncodedLength(sl, ml));
        EntryJsonEncoder.encode(ring, Records.OFFSET, out);
        return Records.written(out);
    }

    /** The msg field as encoded, for a record whose msg is {@code msg}. */
    private static String encodedMsg(byte[] msg) {
        String line = encode(Records.heap(0, 7, TIME, utf8("s"), msg));
        String prefix = "{\"time\":\"" + TIME_TEXT + "\",\"source\":\"s\",\"msg\":\"";
        String suffix = "\",\"seq\":7}\n";
        assertTrue(line.startsWith(prefix) && line.endsWith(suffix), line);
        return line.substring(prefix.length(), line.length() - suffix.length());
    }

    @Test
    void lineHasLinuxKitFieldsInOrderThenSeqAndNewline() {
        assertEquals("{\"time\":\"" + TIME_TEXT + "\",\"source\":\"sshd.out\",\"msg\":\"hello\",\"seq\":42}\n",
                encode(Records.heap(42, TIME, "sshd.out", "hello")));
    }

    @Test
    void truncatedFlagAddsTruncatedFieldBeforeBrace() {
        ByteBuffer ring = Records.heap(RecordDescriptor.FLAG_TRUNCATED, 3, TIME, utf8("svc"), utf8("cut"));
        assertEquals("{\"time\":\"" + TIME_TEXT + "\",\"source\":\"svc\",\"msg\":\"cut\",\"seq\":3,\"truncated\":true}\n",
                encode(ring));
    }

    @Test
    void priorityAddsPriFieldAfterSeqAndBeforeTruncated() {
        int flags = RecordDescriptor.FLAG_TRUNCATED | RecordDescriptor.priFlags(191);
        ByteBuffer ring = Records.heap(flags, 3, TIME, utf8("kmsg"), utf8("oops"));

        String line = encode(ring);

        assertEquals("{\"time\":\"" + TIME_TEXT + "\",\"source\":\"kmsg\",\"msg\":\"oops\",\"seq\":3,\"pri\":191,"
                + "\"truncated\":true}\n", line);
    }

    @Test
    void priorityZeroIsWrittenAndNoPriorityIsNot() {
        ByteBuffer emerg = Records.heap(RecordDescriptor.priFlags(0), 4, TIME, utf8("kmsg"), utf8("panic"));
        ByteBuffer none = Records.heap(0, 5, TIME, utf8("kmsg"), utf8("plain"));

        assertTrue(encode(emerg).endsWith(",\"seq\":4,\"pri\":0}\n"), encode(emerg));
        assertTrue(encode(none).endsWith(",\"seq\":5}\n"), encode(none));
    }

    @Test
    void otherFlagBitsDoNotAddFields() {
        ByteBuffer ring = Records.heap(0x40, 3, TIME, utf8("svc"), utf8("x"));
        assertTrue(encode(ring).endsWith(",\"seq\":3}\n"));
    }

    @Test
    void zeroFractionTimeHasNoFraction() {
        assertTrue(encode(Records.heap(1, 0, "a", "b")).startsWith("{\"time\":\"1970-01-01T00:00:00Z\","));
    }

    @Test
    void emptySourceAndMessageAreEmptyStrings() {
        assertEquals("{\"time\":\"1970-01-01T00:00:00Z\",\"source\":\"\",\"msg\":\"\",\"seq\":0}\n",
                encode(Records.heap(0, 0, "", "")));
    }

    @Test
    void quoteAndBackslashAreEscaped() {
        assertEquals("say \\\"hi\\\" C:\\\\dir", encodedMsg(utf8("say \"hi\" C:\\dir")));
    }

    @Test
    void controlCharactersWithShortFormsUseThem() {
        assertEquals("\\n\\r\\t\\b\\f", encodedMsg(bytes('\n', '\r', '\t', '\b', '\f')));
    }

    @Test
    void otherControlCharactersUseLowercaseUnicodeEscapes() {
        assertEquals("\\u0000\\u0001\\u001b\\u001f\\u000b", encodedMsg(bytes(0x00, 0x01, 0x1b, 0x1f, 0x0b)));
    }

    @Test
    void htmlCharactersAreUnicodeEscaped() {
        assertEquals("\\u003cb\\u003e \\u0026amp;", encodedMsg(utf8("<b> &amp;")));
    }

    @Test
    void lineAndParagraphSeparatorsAreEscaped() {
        assertEquals("a\\u2028b\\u2029c", encodedMsg(utf8("a\u2028b\u2029c")));
    }

    @Test
    void neighboursOfLineSeparatorAreCopied() {
        assertEquals("\u2027\u202a", encodedMsg(utf8("\u2027\u202a")));
    }

    @Test
    void invalidUtf8ByteBecomesEscapedReplacementCharacter() {
        assertEquals("bad\\ufffd\\ufffdend", encodedMsg(concat(utf8("bad"), bytes(0xff, 0xfe), utf8("end"))));
    }

    @Test
    void sequenceCutAtEndOfMessageGivesOneReplacementPerByte() {
        assertEquals("euro\\ufffd\\ufffd", encodedMsg(concat(utf8("euro"), bytes(0xe2, 0x82))));
    }

    @Test
    void sequenceInterruptedByAsciiGivesOneReplacementPerByte() {
        assertEquals("\\ufffd\\ufffdA", encodedMsg(bytes(0xe2, 0x82, 'A')));
    }

    @Test
    void encodedSurrogateBecomesThreeReplacements() {
        assertEquals("\\ufffd\\ufffd\\ufffd", encodedMsg(bytes(0xed, 0xa0, 0x80)));
    }

    @Test
    void overlongEncodingBecomesReplacements() {
        assertEquals("\\ufffd\\ufffd", encodedMsg(bytes(0xc0, 0xaf)));
    }

    @Test
    void messageCutAtLineLengthDoesNotSwallowNextField() {
        // The ring cuts at -max-line-len bytes, possibly inside a character: the cut
        // sequence must not read into the bytes after the message.
        ByteBuffer ring = Records.heap(0, 1, 0, utf8("s"), bytes(0xf0, 0x9f, 0x98));
        ring.put(RecordDescriptor.msgOffset(Records.OFFSET, 1) + 3, (byte) 0x80); // would complete 😀
        assertTrue(encode(ring).contains("\"msg\":\"\\ufffd\\ufffd\\ufffd\""));
    }

    @Test
    void validReplacementCharacterIsCopiedRaw() {
        assertEquals("\ufffd", encodedMsg(utf8("\ufffd")));
    }

    @Test
    void multibyteCharactersAndEmojiAreCopiedRaw() {
        assertEquals("héllo wörld € 😀 日本", encodedMsg(utf8("héllo wörld € 😀 日本")));
    }

    @Test
    void delIsCopiedRaw() {
        assertEquals("\u007f", encodedMsg(bytes(0x7f)));
    }

    @Test
    void sourceIsEscapedLikeMessage() {
        String line = encode(Records.heap(0, 1, 0, concat(utf8("a\"<"), bytes(0xff)), utf8("m")));
        assertTrue(line.contains("\"source\":\"a\\\"\\u003c\\ufffd\""), line);
    }

    @Test
    void seqIsWrittenInDecimal() {
        assertTrue(encode(Records.heap(0, 0, "a", "b")).contains("\"seq\":0}"));
        assertTrue(encode(Records.heap(Long.MAX_VALUE, 0, "a", "b")).contains("\"seq\":9223372036854775807}"));
        assertTrue(encode(Records.heap(Long.MIN_VALUE, 0, "a", "b")).contains("\"seq\":-9223372036854775808}"));
    }

    @Test
    void ringPositionAndLimitAreUntouched() {
        ByteBuffer ring = Records.heap(5, TIME, "src", "msg");
        ring.position(ring.capacity() - 1); // a relative get would fail here
        ByteBuffer out = ByteBuffer.allocate(EntryJsonEncoder.maxEncodedLength(3, 3));
        EntryJsonEncoder.encode(ring, Records.OFFSET, out);
        assertEquals(ring.capacity() - 1, ring.position());
        assertEquals(ring.capacity(), ring.limit());
        assertTrue(Records.written(out).contains("\"msg\":\"msg\""));
    }

    @Test
    void outputIsAppendedAtOutPosition() {
        ByteBuffer out = ByteBuffer.allocate(200);
        out.put((byte) 'X');
        EntryJsonEncoder.encode(Records.heap(1, 0, "a", "b"), Records.OFFSET, out);
        assertTrue(Records.written(out).startsWith("X{\"time\""));
    }

    @Test
    void directRingAndDirectOutputGiveSameBytes() {
        byte[] source = utf8("svc;x.out");
        byte[] msg = concat(utf8("<tag> \"q\" \\ \n 😀 \u2028"), bytes(0xff, 0x01));
        ByteBuffer heapOut = ByteBuffer.allocate(EntryJsonEncoder.maxEncodedLength(source.length, msg.length));
        ByteBuffer directOut = ByteBuffer.allocateDirect(EntryJsonEncoder.maxEncodedLength(source.length, msg.length));
        EntryJsonEncoder.encode(Records.heap(1, 9, TIME, source, msg), Records.OFFSET, heapOut);
        EntryJsonEncoder.encode(Records.direct(1, 9, TIME, source, msg), Records.OFFSET, directOut);
        assertEquals(Records.written(heapOut), Records.written(directOut));
    }

    @Test
    void worstCaseLineFillsMaxEncodedLengthExactly() {
        byte[] source = new byte[17];
        byte[] msg = new byte[100];
        java.util.Arrays.fill(source, (byte) '<');
        java.util.Arrays.fill(msg, (byte) 0xff);
        int flags = RecordDescriptor.FLAG_TRUNCATED | RecordDescriptor.FLAG_SUPPRESSED
                | RecordDescriptor.priFlags(RecordDescriptor.MAX_PRI);
        ByteBuffer ring = Records.heap(flags, Long.MIN_VALUE, TIME + 9, source, msg);
        ByteBuffer out = ByteBuffer.allocate(EntryJsonEncoder.maxEncodedLength(source.length, msg.length));
        EntryJsonEncoder.encode(ring, Records.OFFSET, out);
        assertEquals(0, out.remaining(), "the bound is tight for the worst case");
    }

    @Test
    void countOfSuppressedLinesEndsWithSuppressedTrue() {
        ByteBuffer ring = Records.heap(RecordDescriptor.FLAG_SUPPRESSED, 7, TIME, "web".getBytes(), "n".getBytes());
        ByteBuffer out = ByteBuffer.allocate(EntryJsonEncoder.maxEncodedLength(3, 1));

        EntryJsonEncoder.encode(ring, Records.OFFSET, out);

        assertEquals("{\"time\":\"" + TIME_TEXT + "\",\"source\":\"web\",\"msg\":\"n\",\"seq\":7,\"suppressed\":true}\n",
                Records.written(out));
    }

    @Test
    void noticeHasMemlogdSourceAndLostCount() {
        ByteBuffer out = ByteBuffer.allocate(EntryJsonEncoder.maxNoticeLength("lost <3>"));
        EntryJsonEncoder.encodeNotice(out, TIME, "lost <3>", 3);
        assertEquals("{\"time\":\"" + TIME_TEXT + "\",\"source\":\"memlogd\",\"msg\":\"lost \\u003c3\\u003e\",\"lost\":3}\n",
                Records.written(out));
    }

    @Test
    void identityNoticeCarriesTheDaemonFieldLastAndParsesBack() {
        ByteBuffer out = ByteBuffer.allocate(EntryJsonEncoder.maxNoticeLength("memlogd identity ab-1", "ab-1"));

        EntryEncoder.JSON.encodeIdentity(out, 0, "ab-1");

        String line = Records.written(out);
        assertEquals("{\"time\":\"1970-01-01T00:00:00Z\",\"source\":\"memlogd\",\"msg\":\"memlogd identity ab-1\","
                + "\"daemon\":\"ab-1\"}\n", line);
        assertEquals("ab-1", EntryJsonParser.parse(line).daemon());
        assertEquals(-1, EntryJsonParser.parse(line).seq());
    }

    @Test
    void noticeWithNegativeLostOmitsLost() {
        ByteBuffer out = ByteBuffer.allocate(EntryJsonEncoder.maxNoticeLength("bye"));
        EntryJsonEncoder.encodeNotice(out, 0, "bye", -1);
        assertEquals("{\"time\":\"1970-01-01T00:00:00Z\",\"source\":\"memlogd\",\"msg\":\"bye\"}\n", Records.written(out));
    }

    @Test
    void noticeWithZeroLostKeepsLost() {
        ByteBuffer out = ByteBuffer.allocate(EntryJsonEncoder.maxNoticeLength(""));
        EntryJsonEncoder.encodeNotice(out, 0, "", 0);
        assertTrue(Records.written(out).endsWith(",\"lost\":0}\n"));
    }

    @Test
    void maxNoticeLengthBoundsWorstCaseMessages() {
        for (String msg : new String[] {"", "<<<<", "\u0001\u0002", "😀😀", "\u2028\u2029", "日本語", "\ud800"}) {
            ByteBuffer out = ByteBuffer.allocate(EntryJsonEncoder.maxNoticeLength(msg));
            EntryJsonEncoder.encodeNotice(out, Long.MIN_VALUE + 1, msg, Long.MAX_VALUE);
            assertTrue(out.position() <= EntryJsonEncoder.maxNoticeLength(msg), msg);
        }
    }

    @Test
    void encodeAllocatesNothing() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "allocation counter unavailable");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        byte[] msg = concat(utf8("<tag> \"q\" \\ \n 😀 \u2028 plain text"), bytes(0xff, 0x01));
        int flags = RecordDescriptor.FLAG_TRUNCATED | RecordDescriptor.priFlags(30);
        ByteBuffer heapRing = Records.heap(flags, 123, TIME, utf8("svc"), msg);
        ByteBuffer directRing = Records.direct(flags, 123, TIME, utf8("svc"), msg);
        ByteBuffer out = ByteBuffer.allocateDirect(EntryJsonEncoder.maxEncodedLength(3, msg.length));
        long thread = Thread.currentThread().getId();
        for (int i = 0; i < 20_000; i++) { // warm up, so the measurement sees compiled code
            out.clear();
            EntryJsonEncoder.encode(i % 2 == 0 ? heapRing : directRing, Records.OFFSET, out);
        }
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 10_000; i++) {
            out.clear();
            EntryJsonEncoder.encode(i % 2 == 0 ? heapRing : directRing, Records.OFFSET, out);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertTrue(allocated < 1_000, allocated + " bytes allocated for 10,000 lines");
    }

    /** Go's escaping, spelled out byte by byte from the rules in EntryJsonEncoder's Javadoc. */
    private static byte[] referenceEscape(byte[] b) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                String e = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n" : c == '\r' ? "\\r"
                        : c == '\t' ? "\\t" : c == '\b' ? "\\b" : c == '\f' ? "\\f"
                        : c < 0x20 || c == '<' || c == '>' || c == '&' ? String.format("\\u%04x", c) : null;
                if (e == null) {
                    out.write(c);
                } else {
                    out.writeBytes(utf8(e));
                }
                i++;
                continue;
            }
            int n = Utf8.validSequenceLength(b, i, b.length);
            if (n == 0) {
                out.writeBytes(utf8("\\ufffd"));
                i++;
                continue;
            }
            int codePoint = new String(b, i, n, java.nio.charset.StandardCharsets.UTF_8).codePointAt(0);
            if (codePoint == 0x2028 || codePoint == 0x2029) {
                out.writeBytes(utf8(String.format("\\u%04x", codePoint)));
            } else {
                out.write(b, i, n);
            }
            i += n;
        }
        return out.toByteArray();
    }

    /** Random text: mostly plain ASCII, with escapes, characters of 2-4 bytes, separators and broken UTF-8. */
    private static byte[] randomText(java.util.Random random, int length) {
        byte[][] pieces = {utf8("\""), utf8("\\"), utf8("<"), utf8(">"), utf8("&"), utf8("\n"), utf8("\r"), utf8("\t"),
            bytes(0x00), bytes(0x1f), bytes(0x7f), utf8("é"), utf8("€"), utf8("😀"), utf8("\u2028"), utf8("\u2029"),
            utf8("\ufffd"), bytes(0xe2, 0x80), bytes(0xe2), bytes(0x80), bytes(0xff), bytes(0xc0, 0xaf),
            bytes(0xed, 0xa0, 0x80), bytes(0xf4, 0x90, 0x80, 0x80), bytes(0xf0, 0x9f, 0x98)};
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int density = 1 + random.nextInt(30);
        while (out.size() < length) {
            int pick = random.nextInt(density);
            if (pick == 0) {
                out.writeBytes(pieces[random.nextInt(pieces.length)]);
            } else if (pick == 1) {
                out.write(random.nextInt(256));
            } else {
                out.write(' ' + random.nextInt(95));
            }
        }
        return java.util.Arrays.copyOf(out.toByteArray(), length); // may cut a sequence: also a case
    }

    @Test
    void escapeGivesTheReferenceBytesAtEveryOffsetInEveryKindOfBuffer() {
        long seed = new java.util.Random().nextLong();
        java.util.Random random = new java.util.Random(seed);
        for (int round = 0; round < 2_000; round++) {
            byte[] text = randomText(random, random.nextInt(90));
            byte[] expected = referenceEscape(text);
            int from = random.nextInt(16);
            // Continuation bytes around the text: a scan or a UTF-8 check that reads past
            // either end would complete a cut sequence and change the result.
            byte[] backing = new byte[from + text.length + 11];
            java.util.Arrays.fill(backing, (byte) 0x80);
            System.arraycopy(text, 0, backing, from, text.length);
            ByteBuffer heap = ByteBuffer.wrap(backing);
            ByteBuffer direct = ByteBuffer.allocateDirect(backing.length).put(backing).clear();
            for (ByteBuffer src : new ByteBuffer[] {heap, heap.asReadOnlyBuffer(), direct, direct.asReadOnlyBuffer()}) {
                for (java.nio.ByteOrder order : new java.nio.ByteOrder[] {java.nio.ByteOrder.BIG_ENDIAN,
                    java.nio.ByteOrder.LITTLE_ENDIAN}) {
                    ByteBuffer view = src.duplicate().order(order);
                    ByteBuffer out = ByteBuffer.allocate(6 * text.length);
                    EntryJsonEncoder.escape(view, from, text.length, out);
                    org.junit.jupiter.api.Assertions.assertArrayEquals(expected, Records.writtenBytes(out),
                            "seed " + seed + ", round " + round + ", " + view);
                    assertEquals(0, view.position());
                    assertEquals(order, view.order());
                }
            }
        }
    }

    @Test
    void encodeWithTimeCacheGivesTheSameBytesAsWithout() {
        long seed = new java.util.Random().nextLong();
        java.util.Random random = new java.util.Random(seed);
        TimeText cache = new TimeText();
        long time = TIME;
        for (int round = 0; round < 2_000; round++) {
            // Runs of equal stamps, as the lines of one read have, and stamps that change.
            int step = random.nextInt(4);
            time = step == 0 ? random.nextLong() : step == 1 ? time + random.nextInt(1_000) : time;
            int flags = random.nextInt(8) == 0 ? RecordDescriptor.FLAG_TRUNCATED : 0;
            byte[] source = randomText(random, random.nextInt(20));
            byte[] msg = randomText(random, random.nextInt(120));
            ByteBuffer ring = random.nextBoolean() ? Records.heap(flags, round, time, source, msg)
                    : Records.direct(flags, round, time, source, msg);
            if (random.nextBoolean()) {
                ring = ring.asReadOnlyBuffer(); // as the ring's view is
            }
            ByteBuffer plain = ByteBuffer.allocate(EntryJsonEncoder.maxEncodedLength(source.length, msg.length));
            ByteBuffer cached = ByteBuffer.allocateDirect(EntryJsonEncoder.maxEncodedLength(source.length, msg.length));
            EntryJsonEncoder.encode(ring, Records.OFFSET, plain);
            EntryJsonEncoder.encode(ring, Records.OFFSET, cached, cache);
            org.junit.jupiter.api.Assertions.assertArrayEquals(Records.writtenBytes(plain), Records.writtenBytes(cached),
                    "seed " + seed + ", round " + round);
        }
    }

    @Test
    void encodeWithTimeCacheAllocatesNothing() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "allocation counter unavailable");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        byte[] msg = concat(utf8("<tag> \"q\" \\ \n 😀 \u2028 plain text that runs on for a few words"), bytes(0xff, 0x01));
        ByteBuffer heapRing = Records.heap(1, 123, TIME, utf8("svc"), msg).asReadOnlyBuffer();
        ByteBuffer directRing = Records.direct(1, 123, TIME + 1, utf8("svc"), msg);
        ByteBuffer out = ByteBuffer.allocateDirect(EntryJsonEncoder.maxEncodedLength(3, msg.length));
        TimeText cache = new TimeText();
        long thread = Thread.currentThread().getId();
        for (int i = 0; i < 20_000; i++) { // warm up, so the measurement sees compiled code
            out.clear();
            EntryJsonEncoder.encode(i % 4 == 0 ? heapRing : directRing, Records.OFFSET, out, cache);
        }
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 10_000; i++) {
            out.clear();
            EntryJsonEncoder.encode(i % 4 == 0 ? heapRing : directRing, Records.OFFSET, out, cache);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertTrue(allocated < 1_000, allocated + " bytes allocated for 10,000 lines");
    }
}

package dev.memlogd.core.wire;

import dev.memlogd.core.ring.RecordDescriptor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Builds ring records by hand at {@link RecordDescriptor}'s offsets, independent of LogRing. */
final class Records {
    /** Where test records start: not 0, so offsets must really be honoured. */
    static final int OFFSET = 40;

    private Records() {
    }

    static ByteBuffer heap(int flags, long seq, long time, byte[] source, byte[] msg) {
        return write(ByteBuffer.allocate(size(source, msg)), flags, seq, time, source, msg);
    }

    static ByteBuffer direct(int flags, long seq, long time, byte[] source, byte[] msg) {
        return write(ByteBuffer.allocateDirect(size(source, msg)), flags, seq, time, source, msg);
    }

    static ByteBuffer heap(long seq, long time, String source, String msg) {
        return heap(0, seq, time, utf8(source), utf8(msg));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    /** The bytes between {@code out}'s start and position, as UTF-8 text. */
    static String written(ByteBuffer out) {
        ByteBuffer copy = out.duplicate().flip();
        byte[] b = new byte[copy.remaining()];
        copy.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    static byte[] writtenBytes(ByteBuffer out) {
        ByteBuffer copy = out.duplicate().flip();
        byte[] b = new byte[copy.remaining()];
        copy.get(b);
        return b;
    }

    private static int size(byte[] source, byte[] msg) {
        // Garbage around the record, so reading past it would show.
        return OFFSET + RecordDescriptor.alignedLength(RecordDescriptor.recordLength(source.length, msg.length)) + 16;
    }

    private static ByteBuffer write(ByteBuffer buf, int flags, long seq, long time, byte[] source, byte[] msg) {
        for (int i = 0; i < buf.capacity(); i++) {
            buf.put(i, (byte) 0xff);
        }
        int r = OFFSET;
        buf.putInt(r + RecordDescriptor.LENGTH_OFFSET, RecordDescriptor.recordLength(source.length, msg.length));
        buf.putInt(RecordDescriptor.flagsOffset(r), flags);
        buf.putLong(RecordDescriptor.seqOffset(r), seq);
        buf.putLong(RecordDescriptor.timeOffset(r), time);
        buf.putInt(RecordDescriptor.sourceLengthOffset(r), source.length);
        buf.putInt(RecordDescriptor.msgLengthOffset(r), msg.length);
        buf.put(RecordDescriptor.sourceOffset(r), source);
        buf.put(RecordDescriptor.msgOffset(r, source.length), msg);
        return buf;
    }
}

package io.regent.wire;

import io.regent.protocol.Epoch;
import io.regent.replication.Position;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes the binary forms of Regent's messages: big-endian numbers, length-prefixed text and bytes. */
final class WireWriter {

    private final ByteArrayOutputStream out;

    WireWriter(int sizeHint) {
        this.out = new ByteArrayOutputStream(sizeHint);
    }

    WireWriter u8(int v) {
        out.write(v);
        return this;
    }

    WireWriter bool(boolean v) {
        return u8(v ? 1 : 0);
    }

    WireWriter i32(int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    WireWriter i64(long v) {
        i32((int) (v >>> 32));
        return i32((int) v);
    }

    /** Text of at most 65,535 bytes: names, addresses. */
    WireWriter shortText(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xFFFF) {
            throw new IllegalArgumentException("text too long for its field: " + b.length + " bytes");
        }
        out.write(b.length >>> 8);
        out.write(b.length);
        out.write(b, 0, b.length);
        return this;
    }

    WireWriter text(String s) {
        return bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    WireWriter bytes(byte[] b) {
        i32(b.length);
        out.write(b, 0, b.length);
        return this;
    }

    WireWriter raw(byte[] b) {
        out.write(b, 0, b.length);
        return this;
    }

    WireWriter epoch(Epoch e) {
        return i64(e.term()).i32(e.index());
    }

    WireWriter position(Position p) {
        return i64(p.seq()).epoch(p.epoch());
    }

    byte[] toBytes() {
        return out.toByteArray();
    }
}

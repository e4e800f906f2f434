package io.regent.example.tickets;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** The byte forms the example keeps in its state and log: fixed-width numbers, length-prefixed text. */
final class Records {

    private Records() {
    }

    /** A key that sorts by number: {@code prefix} then the number as 8 big-endian bytes. */
    static byte[] numbered(String prefix, long n) {
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(p.length + 8).put(p).putLong(n).array();
    }

    static long number(byte[] key, int offset) {
        return ByteBuffer.wrap(key, offset, 8).getLong();
    }

    static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    interface Writing {
        void write(DataOutputStream out) throws IOException;
    }

    interface Reading<T> {
        T read(DataInputStream in) throws IOException;
    }

    static byte[] write(Writing w) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            w.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalArgumentException when the bytes are not what {@code r} reads, or more */
    static <T> T read(byte[] bytes, Reading<T> r) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            T value = r.read(in);
            if (in.available() > 0) {
                throw new IllegalArgumentException(in.available() + " bytes too many");
            }
            return value;
        } catch (IOException e) {
            throw new IllegalArgumentException("not a record: " + e.getMessage(), e);
        }
    }
}

package io.regent.wire;

import io.regent.protocol.Epoch;
import io.regent.replication.Position;

import java.nio.charset.StandardCharsets;

/**
 * Reads what {@link WireWriter} wrote, checking every length against what is left, so a
 * truncated or hostile message is refused with a {@link Malformed} naming the problem, never
 * read past its end or allowed to allocate more than it holds.
 */
final class WireReader {

    private final byte[] in;
    private final int end;
    private int at;

    WireReader(byte[] in, int from, int end) {
        this.in = in;
        this.at = from;
        this.end = end;
    }

    private void need(int n, String what) throws Malformed {
        if (n < 0 || end - at < n) {
            throw new Malformed("truncated " + what);
        }
    }

    int u8(String what) throws Malformed {
        need(1, what);
        return in[at++] & 0xFF;
    }

    boolean bool(String what) throws Malformed {
        int v = u8(what);
        if (v > 1) {
            throw new Malformed(what + " must be 0 or 1");
        }
        return v == 1;
    }

    int i32(String what) throws Malformed {
        need(4, what);
        int v = ((in[at] & 0xFF) << 24) | ((in[at + 1] & 0xFF) << 16) | ((in[at + 2] & 0xFF) << 8) | (in[at + 3] & 0xFF);
        at += 4;
        return v;
    }

    long i64(String what) throws Malformed {
        return ((long) i32(what) << 32) | (i32(what) & 0xFFFFFFFFL);
    }

    String shortText(String what) throws Malformed {
        int n = (u8(what) << 8) | u8(what);
        need(n, what);
        String s = new String(in, at, n, StandardCharsets.UTF_8);
        at += n;
        return s;
    }

    String text(String what) throws Malformed {
        return new String(bytes(what), StandardCharsets.UTF_8);
    }

    byte[] bytes(String what) throws Malformed {
        int n = i32(what);
        need(n, what);
        byte[] b = new byte[n];
        System.arraycopy(in, at, b, 0, n);
        at += n;
        return b;
    }

    /** Exactly {@code n} bytes, unprefixed. */
    byte[] raw(int n, String what) throws Malformed {
        need(n, what);
        byte[] b = new byte[n];
        System.arraycopy(in, at, b, 0, n);
        at += n;
        return b;
    }

    /** Skips a length-prefixed byte string and returns where it starts; its length is at start - 4. */
    int skipBytes(String what) throws Malformed {
        int n = i32(what);
        need(n, what);
        int start = at;
        at += n;
        return start;
    }

    /** A count of items, each at least {@code minItemBytes} long: bounded by what is left. */
    int count(String what, int minItemBytes) throws Malformed {
        int n = i32(what);
        if (n < 0 || (long) n * minItemBytes > end - at) {
            throw new Malformed("impossible count of " + what);
        }
        return n;
    }

    Epoch epoch(String what) throws Malformed {
        long term = i64(what);
        int index = i32(what);
        if (term < 0 || index < 0) {
            throw new Malformed("negative " + what);
        }
        return new Epoch(term, index);
    }

    Position position(String what) throws Malformed {
        long seq = i64(what);
        Epoch epoch = epoch(what);
        if (seq < 0) {
            throw new Malformed("negative " + what);
        }
        return new Position(seq, epoch);
    }

    int position() {
        return at;
    }

    void end(String what) throws Malformed {
        if (at != end) {
            throw new Malformed((end - at) + " bytes after the end of " + what);
        }
    }
}

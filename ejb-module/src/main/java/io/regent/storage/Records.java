package io.regent.storage;

import io.regent.protocol.Epoch;
import io.regent.replication.Entry;
import io.regent.replication.Position;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * How {@link DiskStorage} lays its records out in RocksDB, big-endian throughout: a retained write
 * keyed by its sequence number, a position, the state's digest counters. Changing a layout means
 * a new storage format (DiskStorage's {@code CURRENT_FORMAT}).
 */
final class Records {

    private Records() {
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A retained write's key: its sequence number, so the log iterates in order. */
    static byte[] seqKey(long seq) {
        return ByteBuffer.allocate(8).putLong(seq).array();
    }

    static long seqOf(byte[] key) {
        return ByteBuffer.wrap(key).getLong();
    }

    /** The state's digest, number of pairs and bytes. */
    static byte[] counters(long digest, long pairs, long bytes) {
        return ByteBuffer.allocate(24).putLong(digest).putLong(pairs).putLong(bytes).array();
    }

    static byte[] encode(Position p) {
        return ByteBuffer.allocate(20).putLong(p.seq()).putLong(p.epoch().term()).putInt(p.epoch().index()).array();
    }

    static Position position(byte[] b) {
        if (b == null) {
            return Position.NONE;
        }
        ByteBuffer buf = ByteBuffer.wrap(b);
        return new Position(buf.getLong(), new Epoch(buf.getLong(), buf.getInt()));
    }

    static byte[] encode(Epoch e) {
        return ByteBuffer.allocate(12).putLong(e.term()).putInt(e.index()).array();
    }

    static Epoch epoch(byte[] b) {
        return b == null ? Epoch.NONE : epochOf(b);
    }

    /** A retained write: term, index, the command's length, the command, the result (UTF-8). */
    static byte[] encode(Entry e, String result) {
        byte[] command = e.command().getBytes(StandardCharsets.UTF_8);
        byte[] outcome = result.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(16 + command.length + outcome.length).putLong(e.epoch().term())
                .putInt(e.epoch().index()).putInt(command.length).put(command).put(outcome).array();
    }

    /** The bytes of a retained write that hold its epoch, first. */
    static final int EPOCH_BYTES = 12;

    /** A retained write's epoch: its first {@link #EPOCH_BYTES} bytes. */
    static Epoch epochOf(byte[] encoded) {
        ByteBuffer b = ByteBuffer.wrap(encoded);
        return new Epoch(b.getLong(), b.getInt());
    }

    static int commandLength(byte[] encoded) {
        return ByteBuffer.wrap(encoded, 12, 4).getInt();
    }

    static Entry decodeEntry(long seq, byte[] encoded) {
        int length = commandLength(encoded);
        return new Entry(seq, epochOf(encoded), new String(encoded, 16, length, StandardCharsets.UTF_8));
    }

    static String resultOf(byte[] encoded) {
        int start = 16 + commandLength(encoded);
        return new String(encoded, start, encoded.length - start, StandardCharsets.UTF_8);
    }
}

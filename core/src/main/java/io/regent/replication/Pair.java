package io.regent.replication;

/** One key and value of a {@link StateSpace}, as snapshots carry them. */
public record Pair(byte[] key, byte[] value) {

    /** What a message adds to each pair it carries: two length prefixes (io.regent.wire.StreamCodec). */
    public static final int FRAMING = 8;

    /**
     * What the pair takes in a message. A chunk of small pairs is mostly framing: counting only
     * keys and values let a chunk of 100-byte pairs outgrow the frame limit, and be refused.
     */
    public long messageBytes() {
        return FRAMING + key.length + value.length;
    }

    /** What the pair weighs in a message or a quota. */
    public long bytes() {
        return key.length + value.length;
    }
}

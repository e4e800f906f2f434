package io.regent.replication;

/** One key and value of a {@link StateSpace}, as snapshots carry them. */
public record Pair(byte[] key, byte[] value) {

    /** What the pair weighs in a message or a quota. */
    public long bytes() {
        return key.length + value.length;
    }
}

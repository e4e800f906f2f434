package io.regent.replication;

import java.util.List;

/** A run of a snapshot's pairs in key order; {@code last} when the snapshot ends with it. */
public record Chunk(List<Pair> pairs, boolean last) {

    public Chunk {
        pairs = List.copyOf(pairs);
    }

    /** The key to continue after, or null if the chunk is empty. */
    public byte[] lastKey() {
        return pairs.isEmpty() ? null : pairs.get(pairs.size() - 1).key();
    }
}

package io.regent.api;

import java.util.List;

/**
 * A {@link ReplicatedStateMachine}'s own state: an ordered map of byte keys to byte values
 * (unsigned lexicographic order), in its namespace and in no other machine's. Changes made while
 * one command applies are written together with the command, or not at all.
 */
public interface ReplicatedState {

    /** A key and its value. */
    record Entry(byte[] key, byte[] value) { }

    /** The value of {@code key}, or null. */
    byte[] get(byte[] key);

    /** @throws UnsupportedOperationException in a read ({@link Replicated#read}) */
    void put(byte[] key, byte[] value);

    /** @throws UnsupportedOperationException in a read ({@link Replicated#read}) */
    void delete(byte[] key);

    /** Up to {@code limit} entries whose keys are {@code from} or after it, in key order. */
    List<Entry> scan(byte[] from, int limit);
}

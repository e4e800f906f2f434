package io.regent.machines;

import io.regent.replication.Pair;

import java.util.List;

/** A machine's own part of the state space: its keys, without the prefix that sets them apart. */
public interface MachineState {

    /** The value of {@code key}, or null. */
    byte[] get(byte[] key);

    /** @throws UnsupportedOperationException in a read */
    void put(byte[] key, byte[] value);

    /** @throws UnsupportedOperationException in a read */
    void delete(byte[] key);

    /** Up to {@code limit} pairs whose keys are {@code from} or after it, in unsigned key order. */
    List<Pair> scan(byte[] from, int limit);

    /**
     * Bytes of keys and values the whole replicated space holds, every machine's and the store's:
     * what the server's storage must keep, so what a quota guards. Changes of the command
     * applying are not counted.
     */
    long spaceBytes();

    /** Pairs the whole replicated space holds; see {@link #spaceBytes}. */
    long spacePairs();
}

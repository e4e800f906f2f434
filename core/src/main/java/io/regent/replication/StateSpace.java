package io.regent.replication;

/**
 * The replicated state as a {@link StateMachine} sees it: an ordered map of byte keys to byte
 * values (unsigned lexicographic order), kept by the server's storage, on disk in production.
 * Changes made while one command applies become durable together with that command's entry, or
 * not at all. The space keeps its own size, so a state machine can enforce quotas without a scan.
 */
public interface StateSpace {

    /** The value of {@code key}, or null. */
    byte[] get(byte[] key);

    void put(byte[] key, byte[] value);

    void delete(byte[] key);

    /** Up to {@code limit} pairs whose keys are {@code from} or after it, in key order. */
    java.util.List<Pair> scan(byte[] from, int limit);

    /** Keys and values held, in bytes. */
    long bytes();

    /** Pairs held. */
    long count();
}

package io.regent.api;

/** What a read of replicated state may miss, as for the key-value store's reads. */
public enum ReadConsistency {
    /**
     * This server's committed state: never a command that could still be lost, but on a backup,
     * or on a master that has just lost its mastership, possibly not the newest.
     */
    COMMITTED,
    /**
     * The newest committed state: the master confirms, by a round of heartbeats a majority
     * answers, that it still is the master, and reads once it has applied every command committed
     * before the read began. Only the master answers; elsewhere it fails with {@link NotMasterException}.
     */
    LINEARIZABLE
}

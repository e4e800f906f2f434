package io.regent.replication;

import java.util.List;

/**
 * What a {@link Replica} keeps: its state space, the position of the last write applied to it,
 * and the most recent writes (the retained log) to fill other servers' gaps. On disk in
 * production, in memory in tests and the simulation.
 *
 * <p>Every change is atomic: after a crash the storage comes back at the end of some write, never
 * inside one. Changes need not be durable when a method returns; the host makes them durable in
 * batches (group commit) and tells the replica how far they are ({@link Replica#durable}), and
 * only durable writes are acknowledged.
 */
public interface ReplicaStorage {

    /** The last write applied. */
    Position applied();

    /**
     * This run's number, above every earlier run's on this storage: a replica numbers its fetches
     * from it, so an answer to an earlier run's fetch (held up by a paused server, say) is never
     * taken for one of this run's.
     */
    long incarnation();

    /** A short fingerprint of the state: equal states give equal digests. */
    String digest();

    /** The state as the machine reads and changes it; the same object for the storage's life. */
    StateSpace space();

    /**
     * Applies {@code entry}'s command with {@code machine}, appends the entry to the retained
     * log and moves {@link #applied} to it, as one step.
     *
     * @return the machine's result
     */
    String apply(Entry entry, StateMachine machine);

    /** Whether the retained log passes through {@code p}: it can serve the writes after it. */
    boolean holds(Position p);

    /** Retained writes after {@code p} ({@link #holds} must be true), at least one if any, up to {@code maxBytes}. */
    List<Entry> entriesAfter(Position p, long maxBytes);

    /**
     * Retained writes after {@code seq} with their results, in order, up to {@code maxBytes} (at
     * least one if any). The first is not {@code seq + 1} when the log no longer holds it (it was
     * trimmed, or replaced by a snapshot): the caller checks. Safe to call from another thread
     * than the replica's.
     */
    List<Applied> appliedAfter(long seq, long maxBytes);

    /** A consistent view of the whole state at {@link #applied}, served in chunks. */
    SnapshotView openSnapshot();

    /** Starts to install a snapshot taken at {@code at}, beside the current state until it is finished. */
    Restore beginRestore(Position at);

    /** A snapshot being served. */
    interface SnapshotView extends AutoCloseable {

        Position at();

        /** The pairs after {@code afterKey} (null: from the start), up to {@code maxBytes} (at least one). */
        Chunk chunk(byte[] afterKey, long maxBytes);

        @Override
        void close();
    }

    /** A snapshot being installed. */
    interface Restore {

        void add(List<Pair> pairs);

        /** Replaces the state with what was added and empties the retained log, as one step. */
        void finish();

        /** Forgets what was added; the current state stays. */
        void abandon();
    }
}

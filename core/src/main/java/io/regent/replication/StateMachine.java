package io.regent.replication;

/**
 * The replicated service: the plug-in point of DESIGN.md §3. Every server applies the same
 * commands in the same order to its own {@link StateSpace}, so {@link #apply} must be
 * deterministic: the same state and command give the same result and the same next state on
 * every server (no clock, no random, no I/O but through the space). The state lives in the
 * space, not in the machine, so it may be larger than the heap; snapshots (whole spaces, sent in
 * chunks) and restores are the storage's job and work for every machine alike.
 *
 * <p>Called by one thread at a time.
 */
public interface StateMachine {

    /**
     * Why {@code command} cannot be sequenced against the current state (a quota, say), or null.
     * Only the master asks, before it sequences: a refused command never enters the stream, so
     * followers never need the same limits to stay equal.
     */
    default String refusal(String command, StateSpace state) {
        return null;
    }

    /**
     * Applies one write and returns what is recorded with it in the log: the client's answer, which
     * every server computes alike and readers of changes (watches) see.
     */
    String apply(Entry entry, StateSpace state);

    /**
     * What the last {@link #apply} answers the proposer on this server beyond the recorded result:
     * the machine's answer object (the store's typed result, an application's own), handed over
     * as it is and never replicated; null if none. A call forgets it.
     */
    default Object takeValue() {
        return null;
    }
}

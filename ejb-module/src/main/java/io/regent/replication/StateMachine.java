package io.regent.replication;

/**
 * The replicated service: the plug-in point of DESIGN.md §3. Every server applies the same
 * commands in the same order, so {@link #apply} must be deterministic: the same state and
 * command give the same result and the same next state on every server (no clock, no random,
 * no I/O). Commands are validated before they are sequenced; a command that cannot succeed
 * (a failed compare-and-set) still applies, as a result that changes nothing.
 *
 * <p>Called by one thread at a time.
 */
public interface StateMachine {

    /** Applies one write and returns what the client is told. */
    String apply(String command);

    /** The whole state, for a server that joins or fell too far behind. */
    String snapshot();

    /** Replaces the whole state with a {@link #snapshot} taken elsewhere. */
    void restore(String snapshot);

    /** A short fingerprint of the state: equal states give equal digests. */
    String digest();
}

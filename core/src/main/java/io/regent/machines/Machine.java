package io.regent.machines;

import io.regent.replication.Position;

/**
 * A state machine as the core runs it: the key-value store and every application's machine alike.
 * Like every state machine here it must be deterministic: the same state, command and position
 * give the same changes and the same answer on every server.
 */
public interface Machine {

    /** The namespace of its commands in the log and of its state ({@link Namespace}: 1 to 32 of a-z, 0-9, '-'). */
    String name();

    /** Its part of the state space, made once: an application's is under its name. */
    Namespace namespace();

    /**
     * Applies one command to the machine's own state.
     *
     * @return the proposer's answer, handed to the caller on this server as it is, never replicated
     * @throws RuntimeException to refuse the command: nothing it changed is kept
     */
    Object apply(byte[] command, Position at, MachineState state);

    /**
     * Why {@code command} cannot be sequenced against the current state (a quota, say), or null.
     * Only the master asks, before it sequences: a refused command never enters the log, so
     * servers need not share the limits to stay equal.
     */
    default String refusal(byte[] command, MachineState state) {
        return null;
    }

    /**
     * Whether the group's storage quota may refuse its commands once the space is full. Regent's
     * own group version is a few bytes that must never be refused: a full store would otherwise
     * hold a group back from finalising an upgrade.
     */
    default boolean boundedByQuota() {
        return true;
    }

    /**
     * What the log keeps of an {@link #apply} answer beside its command: what readers of changes
     * (watches) and a retry on the next master see. Nothing by default: the answer object
     * reaches only the proposer.
     */
    default String recorded(Object answer) {
        return "";
    }
}

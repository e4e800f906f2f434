package io.regent.machines;

import io.regent.replication.Position;

/**
 * An application's state machine as the core runs it. Like every state machine here it must be
 * deterministic: the same state, command and position give the same changes on every server.
 */
public interface Machine {

    /** The namespace of its commands in the log and of its state ({@link Namespace}: 1 to 32 of a-z, 0-9, '-'). */
    String name();

    /**
     * Applies one command to the machine's own state.
     *
     * @return the proposer's answer, handed to the caller on this server as it is, never replicated
     * @throws RuntimeException to refuse the command: nothing it changed is kept
     */
    Object apply(byte[] command, Position at, MachineState state);
}

package io.regent.api;

/**
 * An application's replicated state: every server applies the same commands in the same order to
 * its own copy, so a command proposed on the master and answered survives the master. Declare it
 * as a CDI bean (e.g. {@code @ApplicationScoped}) in a library jar of the application's EAR
 * ({@code lib/}), where Regent finds it as the server starts, before it replays its log; get a
 * {@link Replicated} for it from {@link ReplicatedMachines}.
 *
 * <p>{@link #apply} must be deterministic: the same state and command give the same result and
 * the same changes on every server, so no clock, no random numbers, no I/O and no injected
 * service, only the command, {@code at} and the state. The state lives in Regent's storage, in
 * the machine's own namespace: it is written to disk with the command, sent to a new server in
 * snapshots and restored after a restart, with no code of the machine's. A command that throws
 * changes nothing, and its proposer gets the exception.
 *
 * @param <C> the commands
 * @param <R> what {@link #apply} answers the proposer
 */
public interface ReplicatedStateMachine<C, R> {

    /**
     * The namespace: lowercase letters, digits and '-', 1 to 32 characters, unique in the group and
     * never changed, since it names the machine's commands in the log and its state on disk.
     */
    String name();

    /** Turns commands into the bytes the log holds, and back on every server. */
    CommandCodec<C> codec();

    /**
     * Applies one committed-order command to the state and returns the proposer's answer, which
     * is not replicated: it goes to the waiting caller on the master as it is.
     *
     * @param at where the command stands in the group's log
     */
    R apply(C command, AppliedAt at, ReplicatedState state);

    /** The version of this machine's commands and state, for rolling upgrades. */
    default int version() {
        return 1;
    }
}

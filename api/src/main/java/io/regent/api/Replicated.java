package io.regent.api;

import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A {@link ReplicatedStateMachine} as the application uses it on a server. Get one from
 * {@link ReplicatedMachines#of}.
 *
 * @param <C> the machine's commands
 * @param <R> its answers
 */
public interface Replicated<C, R> {

    /**
     * Proposes a command. The stage completes with what {@link ReplicatedStateMachine#apply}
     * answered, once the command is on disk on a majority of the group, so no failover loses it.
     * No thread waits meanwhile. It completes exceptionally with:
     * <ul>
     * <li>{@link NotMasterException} on a server that is not the open master (nothing applied);</li>
     * <li>{@link ReplicationException} when the group refused it (nothing applied) or could not
     * confirm it (it may or may not have been applied: {@link ReplicationException#inDoubt()});</li>
     * <li>what {@code apply} threw (nothing changed).</li>
     * </ul>
     */
    CompletionStage<R> propose(C command);

    /**
     * As {@link #propose(Object)}, but only while this server's mastership is {@code expected}: a
     * master deposed meanwhile fails it with {@link ReplicationException} ({@code FENCED}).
     */
    CompletionStage<R> propose(C command, Epoch expected);

    /**
     * Reads the machine's committed state with {@code query} (which must not keep the state it is
     * given). A {@link ReadConsistency#COMMITTED} read completes at once on any server.
     */
    <T> CompletionStage<T> read(Function<ReplicatedState, T> query, ReadConsistency consistency);

    /** A {@link ReadConsistency#COMMITTED} read. */
    default <T> CompletionStage<T> read(Function<ReplicatedState, T> query) {
        return read(query, ReadConsistency.COMMITTED);
    }
}

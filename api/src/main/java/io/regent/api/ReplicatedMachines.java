package io.regent.api;

/** The application's {@link ReplicatedStateMachine}s on this server; inject it. */
public interface ReplicatedMachines {

    /**
     * The machine of that class, as Regent runs it.
     *
     * @throws IllegalArgumentException when no such machine was found as the server started
     */
    <C, R> Replicated<C, R> of(Class<? extends ReplicatedStateMachine<C, R>> machine);
}

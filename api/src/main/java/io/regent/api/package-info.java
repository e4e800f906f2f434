/**
 * What a Jakarta EE application running beside Regent on each server of a group uses to run its
 * own work on the master only, and keep its own state replicated on every server.
 *
 * <ul>
 * <li>{@link io.regent.api.MasterGranted} and {@link io.regent.api.MasterRevoked}: CDI events,
 * observed with {@code @Observes}, in order on each server, once per epoch, a revocation before
 * any later grant.</li>
 * <li>{@link io.regent.api.MasterOnly}: an interceptor binding for EJB timers, business methods
 * and message-driven beans; off the master a timer firing is skipped, a call throws
 * {@link io.regent.api.NotMasterException}, a message rolls back for redelivery.</li>
 * <li>{@link io.regent.api.Mastership}: whether this server is master, its {@link io.regent.api.Epoch}
 * (the fencing token), waiting for mastership and handing it over.</li>
 * <li>{@link io.regent.api.ReplicatedStateMachine}: the application's own deterministic state,
 * applied by every server in the group's order; {@link io.regent.api.ReplicatedMachines} gives a
 * {@link io.regent.api.Replicated} to propose commands to it and read its committed state.</li>
 * </ul>
 */
package io.regent.api;

/**
 * Applications' own replicated state machines (DESIGN.md §3.9), run beside the key-value store
 * in the one log and the one state space: each machine's commands travel as bytes in entries of
 * their own form ({@link io.regent.machines.MachineCommand}), and its state lives under a prefix
 * of the space no other machine and no client key can reach ({@link io.regent.machines.Namespace}).
 * Pure, as the rest of the core: the host adapts the application's API to {@link io.regent.machines.Machine}.
 */
package io.regent.machines;

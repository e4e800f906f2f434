/**
 * Replicated request processing (DESIGN.md §3) as a plain-Java state machine, like the
 * election core in {@code io.regent.protocol}: no EE imports, no clock, no I/O. The host feeds a
 * {@link io.regent.replication.Replica} the group's view, stream messages, client writes and
 * ticks, and carries out the {@link io.regent.replication.ReplicaEffect}s it returns.
 */
package io.regent.replication;

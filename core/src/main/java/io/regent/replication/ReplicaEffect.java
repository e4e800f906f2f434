package io.regent.replication;

import io.regent.protocol.Configuration;

/** What a replica asks its host to do after an input. */
public sealed interface ReplicaEffect {

    /** Send {@code message} to server {@code to}, or to every other server when null. */
    record Send(String to, StreamMessage message) implements ReplicaEffect { }

    /**
     * Make everything applied up to {@code upTo} durable, then call {@link Replica#durable}. The
     * host may serve many of these with one sync (group commit).
     */
    record Persist(Position upTo) implements ReplicaEffect { }

    /** The write at {@code seq} is durable on as many servers as the acknowledgement mode asks: answer 2xx. */
    record Committed(long seq) implements ReplicaEffect { }

    /** The write at {@code seq} will not be confirmed: answer that it failed (it may be applied). */
    record Failed(long seq, String reason) implements ReplicaEffect { }

    /**
     * Linearizable read {@code ticket} may be answered from the committed state: a majority
     * confirmed this master after the read arrived, and the state is committed up to where it
     * stood then ({@code committed} or later).
     */
    record ReadReady(long ticket, Position committed) implements ReplicaEffect { }

    /** Linearizable read {@code ticket} cannot be confirmed: answer that the client may retry. */
    record ReadFailed(long ticket, String reason) implements ReplicaEffect { }

    /** This server's state has caught up with its master's, or has fallen behind it. */
    record Current(boolean current) implements ReplicaEffect { }

    /** Something an operator wants to see: syncs, snapshots, divergence. */
    record Notice(String what) implements ReplicaEffect { }

    /** This server's history now holds another configuration: majorities count by it. */
    record Reconfigured(Configuration configuration) implements ReplicaEffect { }
}

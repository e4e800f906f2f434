package io.regent.member;

import io.regent.protocol.Effect;
import io.regent.replication.ReplicaEffect;

/**
 * What a {@link Member} asks its host to do, in order: the election protocol's effects (messages
 * on the control topic, timers, the epoch to persist, events) and the replica's (messages on the
 * requests topic, durability, commits). A {@link Effect.Persist} must be carried out before the
 * effects that follow it.
 */
public sealed interface MemberEffect {

    record Protocol(Effect effect) implements MemberEffect { }

    record Replication(ReplicaEffect effect) implements MemberEffect { }
}

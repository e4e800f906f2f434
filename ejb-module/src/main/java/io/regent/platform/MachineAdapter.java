package io.regent.platform;

import io.regent.api.AppliedAt;
import io.regent.api.CommandCodec;
import io.regent.api.ReplicatedStateMachine;
import io.regent.machines.Machine;
import io.regent.machines.MachineState;
import io.regent.machines.Namespace;
import io.regent.replication.Position;

/** An application's {@link ReplicatedStateMachine} as the core runs it: bytes in, its answer out. */
final class MachineAdapter<C, R> implements Machine {

    private final ReplicatedStateMachine<C, R> machine;
    // asked once: a machine's name and codec do not change while it runs
    private final Namespace namespace;
    private final CommandCodec<C> codec;

    MachineAdapter(ReplicatedStateMachine<C, R> machine) {
        this.machine = machine;
        this.namespace = new Namespace(machine.name());
        this.codec = machine.codec();
    }

    @Override
    public String name() {
        return namespace.machine();
    }

    ReplicatedStateMachine<C, R> machine() {
        return machine;
    }

    @Override
    public Namespace namespace() {
        return namespace;
    }

    byte[] encode(C command) {
        return codec.encode(command);
    }

    @Override
    public Object apply(byte[] command, Position at, MachineState state) {
        return machine.apply(codec.decode(command), new AppliedAt(at.seq(), RoleTransitions.epoch(at.epoch())),
                new StateView(state));
    }
}

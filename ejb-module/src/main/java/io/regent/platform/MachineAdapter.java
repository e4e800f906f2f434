package io.regent.platform;

import io.regent.api.AppliedAt;
import io.regent.api.ReplicatedStateMachine;
import io.regent.machines.Machine;
import io.regent.machines.MachineState;
import io.regent.replication.Position;

/** An application's {@link ReplicatedStateMachine} as the core runs it: bytes in, its answer out. */
final class MachineAdapter<C, R> implements Machine {

    private final ReplicatedStateMachine<C, R> machine;
    private final String name;

    MachineAdapter(ReplicatedStateMachine<C, R> machine) {
        this.machine = machine;
        this.name = machine.name(); // asked once: a machine's name never changes
    }

    @Override
    public String name() {
        return name;
    }

    ReplicatedStateMachine<C, R> machine() {
        return machine;
    }

    byte[] encode(C command) {
        return machine.codec().encode(command);
    }

    @Override
    public Object apply(byte[] command, Position at, MachineState state) {
        return machine.apply(machine.codec().decode(command), new AppliedAt(at.seq(), RoleTransitions.epoch(at.epoch())),
                new StateView(state));
    }
}

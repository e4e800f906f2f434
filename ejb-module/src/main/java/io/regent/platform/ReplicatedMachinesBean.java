package io.regent.platform;

import io.regent.api.Replicated;
import io.regent.api.ReplicatedMachines;
import io.regent.api.ReplicatedStateMachine;
import io.regent.group.GroupEngine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** {@link ReplicatedMachines} for the application: the machines this server found as it started. */
@ApplicationScoped
public class ReplicatedMachinesBean implements ReplicatedMachines {

    @Inject
    private GroupEngine engine;

    @Override
    public <C, R> Replicated<C, R> of(Class<? extends ReplicatedStateMachine<C, R>> machine) {
        return new ReplicatedMachine<>(engine.service(), engine.service().machines().of(machine),
                engine.service().machines().answers());
    }
}

package io.regent.platform;

import io.regent.api.ReplicatedStateMachine;
import io.regent.machines.Machine;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.util.TypeLiteral;

import java.util.ArrayList;
import java.util.List;

/**
 * The application's {@link ReplicatedStateMachine}s, found among the CDI beans as the server
 * starts: before it replays its log, since every entry must find its machine.
 */
public final class ApplicationMachines {

    private static final TypeLiteral<ReplicatedStateMachine<?, ?>> ANY = new TypeLiteral<>() { };

    private final List<MachineAdapter<?, ?>> adapters;

    ApplicationMachines(List<? extends ReplicatedStateMachine<?, ?>> machines) {
        List<MachineAdapter<?, ?>> found = new ArrayList<>();
        for (ReplicatedStateMachine<?, ?> m : machines) {
            found.add(new MachineAdapter<>(m));
        }
        this.adapters = List.copyOf(found);
    }

    /** The machines among {@code beans}' beans: those of the EAR's libraries and of Regent's module. */
    public static ApplicationMachines find(BeanManager beans) {
        List<ReplicatedStateMachine<?, ?>> found = new ArrayList<>();
        beans.createInstance().select(ANY).forEach(found::add);
        return new ApplicationMachines(found);
    }

    /** As the core runs them. */
    public List<Machine> machines() {
        return List.copyOf(adapters);
    }

    /** @throws IllegalArgumentException when none of that class was found */
    @SuppressWarnings("unchecked")
    <C, R> MachineAdapter<C, R> of(Class<? extends ReplicatedStateMachine<C, R>> type) {
        for (MachineAdapter<?, ?> a : adapters) {
            if (type.isInstance(a.machine())) {
                return (MachineAdapter<C, R>) a;
            }
        }
        throw new IllegalArgumentException("no replicated state machine of " + type.getName() + " was found as the "
                + "server started (found " + adapters.stream().map(MachineAdapter::name).toList() + "): declare it as a "
                + "CDI bean in a library jar of the EAR (lib/)");
    }
}

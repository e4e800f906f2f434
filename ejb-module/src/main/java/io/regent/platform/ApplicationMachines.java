package io.regent.platform;

import io.regent.api.ReplicatedStateMachine;
import io.regent.kv.KeyValueStore;
import io.regent.machines.Machine;
import io.regent.membership.ConfigurationMachine;
import io.regent.upgrade.GroupVersionMachine;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.util.TypeLiteral;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/**
 * The application's {@link ReplicatedStateMachine}s, found among the CDI beans as the server
 * starts: before it replays its log, since every entry must find its machine.
 */
public final class ApplicationMachines {

    private static final TypeLiteral<ReplicatedStateMachine<?, ?>> ANY = new TypeLiteral<>() { };
    /** The names of the machines Regent runs itself: the key-value store and the group's version. */
    private static final Set<String> RESERVED = Set.of(KeyValueStore.NAME, GroupVersionMachine.NAME,
            ConfigurationMachine.NAME);

    /** Threads that complete the application's stages, so its callbacks never run on the member's. */
    private static final int ANSWER_THREADS = 2;

    private final List<MachineAdapter<?, ?>> adapters;
    private final ExecutorService answers;

    ApplicationMachines(List<? extends ReplicatedStateMachine<?, ?>> machines, ThreadFactory threads) {
        List<MachineAdapter<?, ?>> found = new ArrayList<>();
        for (ReplicatedStateMachine<?, ?> m : machines) {
            MachineAdapter<?, ?> adapter = new MachineAdapter<>(m);
            if (RESERVED.contains(adapter.name())) {
                throw new IllegalArgumentException("the state machine " + m.getClass().getName() + " is named '"
                        + adapter.name() + "', which is Regent's own (" + RESERVED + " are taken): give it another name");
            }
            found.add(adapter);
        }
        this.adapters = List.copyOf(found);
        this.answers = Executors.newFixedThreadPool(ANSWER_THREADS, r -> {
            Thread t = threads.newThread(r);
            t.setName("regent-app-answers");
            return t;
        });
    }

    /** The machines among {@code beans}' beans: those of the EAR's libraries and of Regent's module. */
    public static ApplicationMachines find(BeanManager beans, ThreadFactory threads) {
        List<ReplicatedStateMachine<?, ?>> found = new ArrayList<>();
        beans.createInstance().select(ANY).forEach(found::add);
        return new ApplicationMachines(found, threads);
    }

    /** Where the application's stages complete. */
    Executor answers() {
        return answers;
    }

    /** The server stops: no more answers. */
    public void stop() {
        answers.shutdownNow();
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

package io.regent.machines;

import io.regent.replication.Entry;
import io.regent.replication.StateMachine;
import io.regent.replication.StateSpace;
import io.regent.replication.StorageException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The replicated service of a server: the key-value store and the applications' machines behind
 * one {@link StateMachine}, each command sent to its own by its form ({@link MachineCommand}).
 * A command for a machine this server does not run halts the server rather than skip it: skipping
 * would leave its copy of that machine's state behind every other server's for good.
 */
public final class Machines implements StateMachine {

    /** The answer of a command whose machine threw: the proposer gets {@link #cause}. */
    public record Failed(RuntimeException cause) { }

    private static final String APPLIED = "";
    private static final String FAILED = "failed";

    private final StateMachine store;
    /** A machine and its part of the space, made once. */
    private record Registered(Machine machine, Namespace namespace) { }

    private final Map<String, Registered> machines = new LinkedHashMap<>();
    private Object value;

    /**
     * @param store    the key-value store, which takes every command that is not a machine's
     * @param machines the applications' machines, names unique
     */
    public Machines(StateMachine store, List<Machine> machines) {
        this.store = store;
        for (Machine m : machines) {
            if (this.machines.put(m.name(), new Registered(m, new Namespace(m.name()))) != null) {
                throw new IllegalArgumentException("two state machines are named '" + m.name() + "'");
            }
        }
    }

    @Override
    public String refusal(String command, StateSpace state) {
        return MachineCommand.isMachineCommand(command) ? null : store.refusal(command, state);
    }

    @Override
    public String apply(Entry entry, StateSpace state) {
        value = null;
        String command = entry.command();
        if (!MachineCommand.isMachineCommand(command)) {
            return store.apply(entry, state);
        }
        MachineCommand c;
        try {
            c = MachineCommand.decode(command);
        } catch (IllegalArgumentException e) {
            value = new Failed(e); // not a command any machine could take: nothing changes, on every server
            return FAILED;
        }
        Registered machine = machines.get(c.machine());
        if (machine == null) {
            throw new StorageException("the group's log holds a command for the state machine '" + c.machine()
                    + "', which this server does not run (it runs " + machines.keySet() + "): deploy the same "
                    + "applications on every server of the group", null);
        }
        NamespacedState own = machine.namespace().applying(state);
        try {
            value = machine.machine().apply(c.payload(), entry.position(), own);
        } catch (StorageException e) {
            throw e; // this server's disk failed, not the command: the others apply it, so this one halts
        } catch (RuntimeException e) {
            value = new Failed(e);
            return FAILED;
        }
        own.keep();
        return APPLIED;
    }

    @Override
    public Object takeValue() {
        Object v = value;
        value = null;
        return v;
    }
}

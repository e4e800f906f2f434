package io.regent.machines;

import io.regent.replication.Entry;
import io.regent.replication.Position;
import io.regent.replication.StateMachine;
import io.regent.replication.StateSpace;
import io.regent.replication.StorageException;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The replicated service of a server: the key-value store and the applications' machines behind
 * one {@link StateMachine}, all run the same way. Each command goes to its machine by its form
 * ({@link MachineCommand}); the store's commands are the ones without a machine's tag, as logs
 * written before machines hold them. Each machine sees only its own part of the space
 * ({@link Namespace}), and a command that throws changes nothing. A command for a machine this
 * server does not run halts the server rather than skip it: skipping would leave its copy of
 * that machine's state behind every other server's for good.
 */
public final class Machines implements StateMachine {

    /** The answer of a command whose machine threw: the proposer gets {@link #cause}. */
    public record Failed(RuntimeException cause) { }

    private static final String FAILED = "failed";

    private final Machine store;
    private final Map<String, Machine> machines = new LinkedHashMap<>();
    private final long maxSpaceBytes;
    private Object value;

    /** The key-value store alone. */
    public Machines(Machine store) {
        this(store, List.of(), Long.MAX_VALUE);
    }

    /**
     * @param store         the key-value store, which takes every command without a machine's tag
     *                      and keeps its keys outside the applications' namespaces
     * @param machines      the applications' machines, names unique
     * @param maxSpaceBytes once the whole space holds this many bytes, the master refuses an
     *                      application's command that would add more (the store keeps its own,
     *                      finer quota): below it, what one command adds is not checked, so this
     *                      bounds the space to the limit plus one command
     */
    public Machines(Machine store, List<Machine> machines, long maxSpaceBytes) {
        this.maxSpaceBytes = maxSpaceBytes;
        this.store = store;
        for (Machine m : machines) {
            if (m.name().equals(store.name()) || this.machines.put(m.name(), m) != null) {
                throw new IllegalArgumentException("two state machines are named '" + m.name() + "'");
            }
        }
    }

    /** A command routed: its machine (null if this server runs none of that name) and payload. */
    private record Routed(Machine to, byte[] payload, String name) { }

    /** @throws IllegalArgumentException if a tagged command is malformed */
    private Routed route(String command) {
        if (!MachineCommand.isMachineCommand(command)) {
            return new Routed(store, command.getBytes(StandardCharsets.UTF_8), store.name());
        }
        MachineCommand c = MachineCommand.decode(command);
        return new Routed(machines.get(c.machine()), c.payload(), c.machine());
    }

    @Override
    public String refusal(String command, StateSpace state) {
        Routed r;
        try {
            r = route(command);
        } catch (IllegalArgumentException e) {
            return null; // applies as a failure everywhere and changes nothing
        }
        if (r.to() == null) {
            return null;
        }
        if (r.to() != store && r.to().boundedByQuota() && state.bytes() >= maxSpaceBytes && grows(r, state)) {
            return "the group's storage holds " + state.bytes() + " bytes, its quota of " + maxSpaceBytes
                    + " (regent.kv.max-bytes); '" + r.name() + "' may only free space until it is under it";
        }
        return r.to().refusal(r.payload(), r.to().namespace().reading(state));
    }

    /**
     * Whether the command would add bytes, tried on a state that is thrown away: only a full space
     * pays for the trial, and a command that frees space (or fails) goes through.
     */
    private static boolean grows(Routed r, StateSpace state) {
        NamespacedState trial = r.to().namespace().applying(state);
        try {
            r.to().apply(r.payload(), Position.NONE, trial);
        } catch (StorageException e) {
            throw e;
        } catch (RuntimeException e) {
            return false; // it applies as a failure, which changes nothing
        }
        return trial.growth() > 0;
    }

    @Override
    public String apply(Entry entry, StateSpace state) {
        value = null;
        Routed r;
        try {
            r = route(entry.command());
        } catch (IllegalArgumentException e) {
            value = new Failed(e); // not a command any machine could take: nothing changes, on every server
            return FAILED;
        }
        if (r.to() == null) {
            throw new StorageException("the group's log holds a command for the state machine '" + r.name()
                    + "', which this server does not run (it runs " + machines.keySet() + "): deploy the same "
                    + "applications on every server of the group", null);
        }
        NamespacedState own = r.to().namespace().applying(state);
        Object answer;
        try {
            answer = r.to().apply(r.payload(), entry.position(), own);
        } catch (StorageException e) {
            throw e; // this server's disk failed, not the command: the others apply it, so this one halts
        } catch (RuntimeException e) {
            value = new Failed(e);
            return FAILED;
        }
        own.keep();
        value = answer;
        return r.to().recorded(answer);
    }

    /** Whether a result the log recorded is that of a command whose machine threw: it changed nothing. */
    public static boolean failed(String recorded) {
        return FAILED.equals(recorded);
    }

    @Override
    public Object takeValue() {
        Object v = value;
        value = null;
        return v;
    }
}

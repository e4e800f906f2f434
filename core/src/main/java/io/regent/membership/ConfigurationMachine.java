package io.regent.membership;

import io.regent.machines.RegentMachine;
import io.regent.machines.MachineCommand;
import io.regent.machines.MachineState;
import io.regent.machines.Namespace;
import io.regent.protocol.Configuration;
import io.regent.replication.ConfigurationRecord;
import io.regent.replication.Position;
import io.regent.replication.StateSpace;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The group's configuration as replicated state (DESIGN.md §9). A change's command carries the
 * whole next configuration, worked out by the master from its own, so every server records the
 * same one whatever {@code regent.members} it was started with; it applies only on top of the
 * version it was made from, as a compare-and-set, so two changes made from one configuration
 * cannot both land. Regent's own machine: no application may take its name, and the storage
 * quota never refuses it (a full store must not stop a dead server's replacement).
 */
public final class ConfigurationMachine extends RegentMachine implements ConfigurationRecord {

    public static final String NAME = "regent-members";
    private static final Namespace NAMESPACE = new Namespace(NAME);
    private static final byte[] KEY = "configuration".getBytes(StandardCharsets.UTF_8);
    private static final String PREFIX = new MachineCommand(NAME, new byte[0]).encode();

    public ConfigurationMachine() {
        super(NAME);
    }

    /** The log's command that moves the group to {@code next}, made from the version before it. */
    public static String change(Configuration next) {
        return new MachineCommand(NAME, ConfigurationCodec.encode(next)).encode();
    }

    @Override
    public boolean changes(String command) {
        return command.startsWith(PREFIX);
    }

    @Override
    public Optional<Configuration> read(StateSpace space) {
        return recorded(NAMESPACE.reading(space));
    }

    @Override
    public String refusal(byte[] command, MachineState state) {
        try {
            check(ConfigurationCodec.decode(command), state);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    @Override
    public Object apply(byte[] command, Position at, MachineState state) {
        Configuration next = ConfigurationCodec.decode(command);
        check(next, state);
        state.put(KEY, ConfigurationCodec.encode(next));
        return next;
    }

    private static void check(Configuration next, MachineState state) {
        Optional<Configuration> current = recorded(state);
        long version = current.map(Configuration::version).orElse(0L);
        if (next.version() != version + 1) {
            throw new IllegalArgumentException("the group's configuration is at version " + version
                    + ", so a change to version " + next.version() + " was made from another one");
        }
        // the bootstrap configuration is each server's own, so only a recorded one can be compared
        if (current.isPresent() && !next.followsFrom(current.get())) {
            throw new IllegalArgumentException("configuration version " + next.version() + " is not one member added, "
                    + "promoted or removed after version " + version);
        }
    }

    private static Optional<Configuration> recorded(MachineState state) {
        byte[] v = state.get(KEY);
        return v == null ? Optional.empty() : Optional.of(ConfigurationCodec.decode(v));
    }
}

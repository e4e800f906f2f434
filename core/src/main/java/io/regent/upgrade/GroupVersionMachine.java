package io.regent.upgrade;

import io.regent.machines.RegentMachine;
import io.regent.machines.MachineCommand;
import io.regent.machines.MachineState;
import io.regent.machines.Namespace;
import io.regent.replication.Position;
import io.regent.replication.StateSpace;
import io.regent.replication.StorageException;

import java.nio.charset.StandardCharsets;

/**
 * The group's protocol version as replicated state (DESIGN.md §8.2): the master raises it, with
 * one command in the log, once every voter has been heard speaking the new version, and every
 * server writes at it once it has applied that command. It only ever rises. Its state is one
 * record under Regent's own namespace, so snapshots and digests carry it like any other; a
 * group without the record is at {@link ProtocolVersion#UNRECORDED}.
 */
public final class GroupVersionMachine extends RegentMachine {

    /** Regent's own machine: no application may take the name. */
    public static final String NAME = "regent";
    private static final Namespace NAMESPACE = new Namespace(NAME);
    private static final byte[] VERSION = "group-version".getBytes(StandardCharsets.UTF_8);

    public GroupVersionMachine() {
        super(NAME);
    }

    /** The log's command that raises the group to {@code version}. */
    public static String raiseTo(int version) {
        return new MachineCommand(NAME, Integer.toString(version).getBytes(StandardCharsets.US_ASCII)).encode();
    }

    /** The group's version in a committed state. */
    public static int read(StateSpace space) {
        return current(NAMESPACE.reading(space));
    }

    @Override
    public String refusal(byte[] command, MachineState state) {
        int target;
        try {
            target = parse(command);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        int current = current(state);
        if (target <= current) {
            return "the group is at protocol version " + current + " already";
        }
        return target > ProtocolVersion.CURRENT ? "this build speaks protocol versions " + ProtocolVersion.range()
                + " only, not " + target : null;
    }

    /**
     * @throws StorageException when the group moves past what this build speaks: it cannot follow,
     *                          so it halts rather than fall silently behind
     */
    @Override
    public Object apply(byte[] command, Position at, MachineState state) {
        int target = parse(command);
        int current = current(state);
        if (target <= current) {
            throw new IllegalArgumentException("the group is at protocol version " + current + " already");
        }
        if (target > ProtocolVersion.CURRENT) {
            throw new StorageException("the group was raised to protocol version " + target + ", which this build ("
                    + ProtocolVersion.range() + ") does not speak: run the newer release on this server", null);
        }
        state.put(VERSION, Integer.toString(target).getBytes(StandardCharsets.US_ASCII));
        return target;
    }

    private static int current(MachineState state) {
        byte[] v = state.get(VERSION);
        return v == null ? ProtocolVersion.UNRECORDED : Integer.parseInt(new String(v, StandardCharsets.US_ASCII));
    }

    private static int parse(byte[] command) {
        try {
            int v = Integer.parseInt(new String(command, StandardCharsets.US_ASCII));
            if (v < 1) {
                throw new IllegalArgumentException("a protocol version is positive, got " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a protocol version is a number", e);
        }
    }
}

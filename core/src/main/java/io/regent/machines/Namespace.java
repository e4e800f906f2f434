package io.regent.machines;

import io.regent.replication.StateSpace;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * One machine's part of the shared state space: the keys under {@code 0x7f "app/" name "/"},
 * after every key a client of the key-value store may use and apart from its reserved records, so
 * no machine reaches another's state or the store's. Made once per machine: its name is checked
 * and its prefix built then, not for each command.
 */
public final class Namespace {

    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,32}");

    private final String machine;
    private final byte[] prefix;

    /**
     * @throws IllegalArgumentException unless {@code machine} is 1 to 32 lowercase letters, digits or '-'
     */
    public Namespace(String machine) {
        if (machine == null || !NAME.matcher(machine).matches()) {
            throw new IllegalArgumentException("a state machine's name is 1 to 32 lowercase letters, digits or '-', got '"
                    + machine + "'");
        }
        this.machine = machine;
        this.prefix = ("\u007fapp/" + machine + "/").getBytes(StandardCharsets.UTF_8);
    }

    public String machine() {
        return machine;
    }

    /** For readers of the committed state: changes are refused. */
    public MachineState reading(StateSpace space) {
        return new NamespacedState(space, this, false);
    }

    /** For one command: changes wait until {@link NamespacedState#keep}. */
    NamespacedState applying(StateSpace space) {
        return new NamespacedState(space, this, true);
    }

    byte[] inSpace(byte[] key) {
        byte[] k = Arrays.copyOf(prefix, prefix.length + key.length);
        System.arraycopy(key, 0, k, prefix.length, key.length);
        return k;
    }

    /** Whether a key of the space is one of this machine's. */
    boolean holds(byte[] spaceKey) {
        return spaceKey.length >= prefix.length && Arrays.equals(spaceKey, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** The machine's own key of one of its keys in the space. */
    byte[] strip(byte[] spaceKey) {
        return Arrays.copyOfRange(spaceKey, prefix.length, spaceKey.length);
    }
}

package io.regent.machines;

import io.regent.replication.StateSpace;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * One machine's part of the shared state space. An application's machine has the keys under
 * {@code 0x7f "app/" name "/"}, after every key a client of the key-value store may use and apart
 * from its reserved records, so no machine reaches another's state or the store's. The key-value
 * store, whose keys predate machines and stay where they are on disk, has the rest of the space
 * ({@link #root}). Made once per machine: its name is checked and its prefix built then, not for
 * each command.
 */
public final class Namespace {

    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,32}");
    private static final byte[] APPLICATIONS = "\u007fapp/".getBytes(StandardCharsets.UTF_8);

    private final String machine;
    /** Before each of the machine's keys in the space; empty for the root. */
    private final byte[] prefix;

    /**
     * @throws IllegalArgumentException unless {@code machine} is 1 to 32 lowercase letters, digits or '-'
     */
    public Namespace(String machine) {
        this(checked(machine), concat(APPLICATIONS, (machine + "/").getBytes(StandardCharsets.UTF_8)));
    }

    private Namespace(String machine, byte[] prefix) {
        this.machine = machine;
        this.prefix = prefix;
    }

    /**
     * The space outside every application's namespace, with keys as they are: the key-value
     * store's. A scan of it from below the applications' keys stops where they begin, which is
     * after every client key; the store reads its reserved records, which sort later, by key.
     */
    public static Namespace root(String machine) {
        return new Namespace(checked(machine), new byte[0]);
    }

    private static String checked(String machine) {
        if (machine == null || !NAME.matcher(machine).matches()) {
            throw new IllegalArgumentException("a state machine's name is 1 to 32 lowercase letters, digits or '-', got '"
                    + machine + "'");
        }
        return machine;
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

    /** @throws IllegalArgumentException for a key of the root's that would land among the applications' */
    byte[] inSpace(byte[] key) {
        if (prefix.length > 0) {
            return concat(prefix, key);
        }
        if (startsWith(key, APPLICATIONS)) {
            throw new IllegalArgumentException("'" + machine + "' may not use keys under the applications' prefix");
        }
        return key;
    }

    /** Whether a key of the space is one of this machine's. */
    boolean holds(byte[] spaceKey) {
        return prefix.length == 0 ? !startsWith(spaceKey, APPLICATIONS) : startsWith(spaceKey, prefix);
    }

    /** The machine's own key of one of its keys in the space. */
    byte[] strip(byte[] spaceKey) {
        return prefix.length == 0 ? spaceKey.clone() : Arrays.copyOfRange(spaceKey, prefix.length, spaceKey.length);
    }

    private static boolean startsWith(byte[] key, byte[] start) {
        return key.length >= start.length && Arrays.equals(key, 0, start.length, start, 0, start.length);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] k = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, k, a.length, b.length);
        return k;
    }
}

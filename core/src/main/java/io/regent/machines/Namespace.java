package io.regent.machines;

import io.regent.replication.Pair;
import io.regent.replication.StateSpace;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One machine's keys in the shared state space, under {@code 0x7f "app/" name "/"}: after every
 * key a client of the key-value store may use, and apart from its reserved records, so no machine
 * reaches another's state or the store's. While a command applies, its changes wait here and
 * reach the space only once the command returns, so a command that throws changes nothing.
 */
public final class Namespace implements MachineState {

    private static final byte[] DELETED = new byte[0];

    private final StateSpace space;
    private final byte[] prefix;
    /** Changes of the command applying, or null in a read. */
    private final TreeMap<byte[], byte[]> pending;

    private Namespace(StateSpace space, String machine, boolean writable) {
        this.space = space;
        this.prefix = prefix(machine);
        this.pending = writable ? new TreeMap<>(Arrays::compareUnsigned) : null;
    }

    /** The space's keys of the machine {@code name} start with these bytes. */
    public static byte[] prefix(String machine) {
        return ("\u007fapp/" + MachineCommand.checkName(machine) + "/").getBytes(StandardCharsets.UTF_8);
    }

    /** For one command: changes wait until {@link #keep}. */
    static Namespace forCommand(StateSpace space, String machine) {
        return new Namespace(space, machine, true);
    }

    /** For readers of the committed state: changes are refused. */
    public static MachineState forRead(StateSpace space, String machine) {
        return new Namespace(space, machine, false);
    }

    @Override
    public byte[] get(byte[] key) {
        if (pending != null) {
            byte[] changed = pending.get(key);
            if (changed != null) {
                return changed == DELETED ? null : changed.clone();
            }
        }
        byte[] value = space.get(inSpace(key));
        return value == null ? null : value.clone(); // the space's arrays may be shared with other readers
    }

    @Override
    public void put(byte[] key, byte[] value) {
        if (value == null) {
            throw new IllegalArgumentException("a value is never null; delete the key instead");
        }
        changes().put(key.clone(), value.clone());
    }

    @Override
    public void delete(byte[] key) {
        changes().put(key.clone(), DELETED);
    }

    @Override
    public List<Pair> scan(byte[] from, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("a scan's limit is at least 1, got " + limit);
        }
        int margin = pending == null ? 0 : pending.size();
        TreeMap<byte[], byte[]> merged = new TreeMap<>(Arrays::compareUnsigned);
        for (Pair p : space.scan(inSpace(from), (int) Math.min(Integer.MAX_VALUE - 1, (long) limit + margin))) {
            if (!startsWithPrefix(p.key())) {
                break;
            }
            merged.put(Arrays.copyOfRange(p.key(), prefix.length, p.key().length), p.value().clone());
        }
        if (pending != null) {
            for (Map.Entry<byte[], byte[]> e : pending.tailMap(from, true).entrySet()) {
                if (e.getValue() == DELETED) {
                    merged.remove(e.getKey());
                } else {
                    merged.put(e.getKey(), e.getValue().clone());
                }
            }
        }
        List<Pair> page = new ArrayList<>(Math.min(limit, merged.size()));
        for (Map.Entry<byte[], byte[]> e : merged.entrySet()) {
            if (page.size() == limit) {
                break;
            }
            page.add(new Pair(e.getKey().clone(), e.getValue()));
        }
        return page;
    }

    /** Writes the command's changes to the space, in key order, the same on every server. */
    void keep() {
        for (Map.Entry<byte[], byte[]> e : changes().entrySet()) {
            if (e.getValue() == DELETED) {
                space.delete(inSpace(e.getKey()));
            } else {
                space.put(inSpace(e.getKey()), e.getValue());
            }
        }
        pending.clear();
    }

    private TreeMap<byte[], byte[]> changes() {
        if (pending == null) {
            throw new UnsupportedOperationException("a read cannot change the replicated state; propose a command");
        }
        return pending;
    }

    private byte[] inSpace(byte[] key) {
        byte[] k = Arrays.copyOf(prefix, prefix.length + key.length);
        System.arraycopy(key, 0, k, prefix.length, key.length);
        return k;
    }

    private boolean startsWithPrefix(byte[] key) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }
}

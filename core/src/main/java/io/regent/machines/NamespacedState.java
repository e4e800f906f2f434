package io.regent.machines;

import io.regent.replication.Pair;
import io.regent.replication.StateSpace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A machine's state as it sees it: the space's keys under its {@link Namespace}, without the
 * prefix. While a command applies, its changes wait here and reach the space only once the
 * command returns ({@link #keep}), so a command that throws changes nothing.
 */
final class NamespacedState implements MachineState {

    private static final byte[] DELETED = new byte[0];

    private final StateSpace space;
    private final Namespace namespace;
    /** Changes of the command applying, or null in a read. */
    private final TreeMap<byte[], byte[]> pending;

    NamespacedState(StateSpace space, Namespace namespace, boolean writable) {
        this.space = space;
        this.namespace = namespace;
        this.pending = writable ? new TreeMap<>(Arrays::compareUnsigned) : null;
    }

    @Override
    public byte[] get(byte[] key) {
        if (pending != null) {
            byte[] changed = pending.get(key);
            if (changed != null) {
                return changed == DELETED ? null : changed.clone();
            }
        }
        byte[] value = space.get(namespace.inSpace(key));
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
        for (Pair p : space.scan(namespace.inSpace(from), (int) Math.min(Integer.MAX_VALUE - 1, (long) limit + margin))) {
            if (!namespace.holds(p.key())) {
                break;
            }
            merged.put(namespace.strip(p.key()), p.value().clone());
        }
        if (pending != null) {
            for (Map.Entry<byte[], byte[]> e : pending.tailMap(from, true).entrySet()) {
                if (e.getValue() == DELETED) {
                    merged.remove(e.getKey());
                } else {
                    merged.put(e.getKey().clone(), e.getValue().clone());
                }
            }
        }
        List<Pair> page = new ArrayList<>(Math.min(limit, merged.size()));
        for (Map.Entry<byte[], byte[]> e : merged.entrySet()) {
            if (page.size() == limit) {
                break;
            }
            page.add(new Pair(e.getKey(), e.getValue()));
        }
        return page;
    }

    @Override
    public long spaceBytes() {
        return space.bytes();
    }

    @Override
    public long spacePairs() {
        return space.count();
    }

    /** What keeping the command's changes would add to the space, in bytes (negative: free). */
    long growth() {
        long growth = 0;
        for (Map.Entry<byte[], byte[]> e : changes().entrySet()) {
            byte[] key = namespace.inSpace(e.getKey());
            byte[] old = space.get(key);
            growth += (e.getValue() == DELETED ? 0 : key.length + e.getValue().length)
                    - (old == null ? 0 : key.length + old.length);
        }
        return growth;
    }

    /** Writes the command's changes to the space, in key order, the same on every server. */
    void keep() {
        for (Map.Entry<byte[], byte[]> e : changes().entrySet()) {
            if (e.getValue() == DELETED) {
                space.delete(namespace.inSpace(e.getKey()));
            } else {
                space.put(namespace.inSpace(e.getKey()), e.getValue());
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

}

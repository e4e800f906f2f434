package io.regent.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The most recent writes this server applied, kept to fill other servers' gaps without a
 * snapshot. It starts at a base position (where the state was empty or restored) and holds a
 * contiguous run of writes after it, at most {@code capacity} of them.
 */
final class RetainedLog {

    private final int capacity;
    private final TreeMap<Long, Entry> entries = new TreeMap<>();
    private Position base = Position.NONE;

    RetainedLog(int capacity) {
        this.capacity = capacity;
    }

    void append(Entry e) {
        entries.put(e.seq(), e);
        if (entries.size() > capacity) {
            base = entries.pollFirstEntry().getValue().position();
        }
    }

    /** Forgets everything: the state was replaced by a snapshot taken at {@code at}. */
    void resetTo(Position at) {
        entries.clear();
        base = at;
    }

    /** Whether this log's history passes through {@code p}, so that it can serve what follows. */
    boolean contains(Position p) {
        if (p.equals(base)) {
            return true;
        }
        Entry e = entries.get(p.seq());
        return e != null && e.epoch().equals(p.epoch());
    }

    /** The writes after {@code p}, which {@link #contains} must hold. */
    List<Entry> after(Position p) {
        return new ArrayList<>(entries.tailMap(p.seq(), false).values());
    }
}

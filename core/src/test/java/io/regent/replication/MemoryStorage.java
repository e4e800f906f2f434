package io.regent.replication;

import io.regent.replication.StorageException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A {@link ReplicaStorage} in memory that models a disk: what was synced survives a crash, and of
 * what was not, a crash keeps a prefix of whole steps (as a write-ahead log recovers up to its
 * last intact record). For the replica tests and the simulation.
 *
 * <p>An fsync may fail ({@link #failSync}), leaving the storage as RocksDB leaves
 * {@code DiskStorage} after a WAL sync error: that sync and every later one throw, every write
 * throws before it changes anything, reads go on, and only a restart ({@link #crash}) opens it
 * again.
 */
public final class MemoryStorage implements ReplicaStorage {

    private final long retainBytes;
    private final int retainEntries;
    private final State live;
    private final State synced;
    private final List<Consumer<State>> unsynced = new ArrayList<>();
    private final StateSpace space = new Space();
    private boolean failed;

    private final long incarnation;

    public MemoryStorage(long retainBytes, int retainEntries) {
        this(retainBytes, retainEntries, new State(), 1);
    }

    private MemoryStorage(long retainBytes, int retainEntries, State recovered, long incarnation) {
        this.incarnation = incarnation;
        this.retainBytes = retainBytes;
        this.retainEntries = retainEntries;
        this.live = recovered;
        this.synced = recovered.copy();
    }

    /** Makes every step so far durable, or throws as {@code DiskStorage.sync} does once the storage failed. */
    public void sync() {
        if (failed) {
            throw new StorageException("sync failed", null);
        }
        for (Consumer<State> step : unsynced) {
            step.accept(synced);
        }
        unsynced.clear();
    }

    /**
     * The fsync under way fails (the {@link #sync} that follows throws), and nothing more becomes
     * durable: the storage refuses writes and syncs until it is opened again, as RocksDB does after
     * a WAL sync error (its background error).
     */
    public void failSync() {
        failed = true;
    }

    /** Whether an fsync failed since the storage was opened. */
    public boolean failed() {
        return failed;
    }

    /** The durable value of {@code key}: what a crash now would keep for sure, or null. */
    public byte[] durableValue(byte[] key) {
        return synced.pairs.get(key);
    }

    /** Steps taken since the last sync. */
    public int unsyncedSteps() {
        return unsynced.size();
    }

    /**
     * The storage as a restart finds it after a crash that kept {@code keep} of the unsynced
     * steps (all of them: a killed process whose writes reached the OS; fewer: a power cut).
     */
    public MemoryStorage crash(int keep) {
        State recovered = synced.copy();
        for (Consumer<State> step : unsynced.subList(0, Math.min(keep, unsynced.size()))) {
            step.accept(recovered);
        }
        return new MemoryStorage(retainBytes, retainEntries, recovered, incarnation + 1);
    }

    @Override
    public long incarnation() {
        return incarnation;
    }

    @Override
    public Position applied() {
        return live.applied;
    }

    @Override
    public String digest() {
        return SpaceDigest.format(live.pairs.size(), live.digest);
    }

    @Override
    public StateSpace space() {
        return space;
    }

    @Override
    public String apply(Entry entry, StateMachine machine) {
        refuseIfFailed("cannot apply " + entry.position());
        String[] result = new String[1];
        step(s -> result[0] = s.apply(entry, machine, retainBytes, retainEntries));
        return result[0];
    }

    @Override
    public boolean holds(Position p) {
        if (p.equals(live.base)) {
            return true;
        }
        Entry e = live.log.get(p.seq());
        return e != null && e.epoch().equals(p.epoch());
    }

    @Override
    public List<Entry> entriesAfter(Position p, long maxBytes) {
        List<Entry> run = new ArrayList<>();
        long bytes = 0;
        for (Entry e : live.log.tailMap(p.seq(), false).values()) {
            if (!run.isEmpty() && bytes + size(e) > maxBytes) {
                break;
            }
            run.add(e);
            bytes += size(e);
        }
        return run;
    }

    @Override
    public List<Applied> appliedAfter(long seq, long maxBytes) {
        List<Applied> run = new ArrayList<>();
        long bytes = 0;
        for (Entry e : live.log.tailMap(seq, false).values()) {
            if (!run.isEmpty() && bytes + size(e) > maxBytes) {
                break;
            }
            run.add(new Applied(e, live.results.get(e.seq())));
            bytes += size(e);
        }
        return run;
    }

    @Override
    public SnapshotView openSnapshot() {
        TreeMap<byte[], byte[]> frozen = new TreeMap<>(Arrays::compareUnsigned);
        frozen.putAll(live.pairs);
        Position at = live.applied;
        return new SnapshotView() {
            @Override
            public Position at() {
                return at;
            }

            @Override
            public Chunk chunk(byte[] afterKey, long maxBytes) {
                Map<byte[], byte[]> rest = afterKey == null ? frozen : frozen.tailMap(afterKey, false);
                List<Pair> pairs = new ArrayList<>();
                long bytes = 0;
                for (Map.Entry<byte[], byte[]> e : rest.entrySet()) {
                    long size = e.getKey().length + e.getValue().length;
                    if (!pairs.isEmpty() && bytes + size > maxBytes) {
                        return new Chunk(pairs, false);
                    }
                    pairs.add(new Pair(e.getKey(), e.getValue()));
                    bytes += size;
                }
                return new Chunk(pairs, true);
            }

            @Override
            public void close() {
                frozen.clear();
            }
        };
    }

    @Override
    public Restore beginRestore(Position at) {
        refuseIfFailed("cannot start a snapshot install");
        TreeMap<byte[], byte[]> staged = new TreeMap<>(Arrays::compareUnsigned);
        return new Restore() {
            @Override
            public void add(List<Pair> pairs) {
                refuseIfFailed("cannot install a snapshot chunk");
                pairs.forEach(p -> staged.put(p.key(), p.value()));
            }

            @Override
            public void finish() {
                refuseIfFailed("cannot finish a snapshot install");
                TreeMap<byte[], byte[]> copy = new TreeMap<>(staged);
                step(s -> s.replace(copy, at));
            }

            @Override
            public void abandon() {
                staged.clear();
            }
        };
    }

    private void refuseIfFailed(String what) {
        if (failed) {
            throw new StorageException(what + ": an earlier fsync failed", null);
        }
    }

    private void step(Consumer<State> step) {
        step.accept(live);
        unsynced.add(step);
    }

    private static long size(Entry e) {
        return Utf8.length(e.command());
    }

    /** Everything a disk holds: the space, the position, the retained log. */
    private static final class State {
        TreeMap<byte[], byte[]> pairs = new TreeMap<>(Arrays::compareUnsigned);
        long bytes;
        long digest;
        Position applied = Position.NONE;
        TreeMap<Long, Entry> log = new TreeMap<>();
        TreeMap<Long, String> results = new TreeMap<>();
        Position base = Position.NONE;
        long logBytes;

        State copy() {
            State c = new State();
            c.pairs.putAll(pairs);
            c.bytes = bytes;
            c.digest = digest;
            c.applied = applied;
            c.log.putAll(log);
            c.results.putAll(results);
            c.base = base;
            c.logBytes = logBytes;
            return c;
        }

        String apply(Entry entry, StateMachine machine, long retainBytes, int retainEntries) {
            String result = machine.apply(entry, new StateSpace() {
                @Override
                public byte[] get(byte[] key) {
                    return pairs.get(key);
                }

                @Override
                public void put(byte[] key, byte[] value) {
                    delete(key);
                    pairs.put(key, value);
                    bytes += key.length + value.length;
                    digest += SpaceDigest.hash(key, value);
                }

                @Override
                public void delete(byte[] key) {
                    byte[] old = pairs.remove(key);
                    if (old != null) {
                        bytes -= key.length + old.length;
                        digest -= SpaceDigest.hash(key, old);
                    }
                }

                @Override
                public long bytes() {
                    return bytes;
                }

                @Override
                public long count() {
                    return pairs.size();
                }

                @Override
                public List<Pair> scan(byte[] from, int limit) {
                    return State.this.scan(from, limit);
                }
            });
            applied = entry.position();
            log.put(entry.seq(), entry);
            results.put(entry.seq(), result);
            logBytes += size(entry);
            while (log.size() > retainEntries || (logBytes > retainBytes && log.size() > 1)) {
                Entry oldest = log.pollFirstEntry().getValue();
                results.remove(oldest.seq());
                logBytes -= size(oldest);
                base = oldest.position();
            }
            return result;
        }

        void replace(TreeMap<byte[], byte[]> staged, Position at) {
            pairs = new TreeMap<>(staged);
            bytes = 0;
            digest = 0;
            for (Map.Entry<byte[], byte[]> e : pairs.entrySet()) {
                bytes += e.getKey().length + e.getValue().length;
                digest += SpaceDigest.hash(e.getKey(), e.getValue());
            }
            applied = at;
            log.clear();
            results.clear();
            logBytes = 0;
            base = at;
        }

        List<Pair> scan(byte[] from, int limit) {
            List<Pair> out = new ArrayList<>();
            for (Map.Entry<byte[], byte[]> e : pairs.tailMap(from, true).entrySet()) {
                if (out.size() == limit) {
                    break;
                }
                out.add(new Pair(e.getKey(), e.getValue()));
            }
            return out;
        }
    }

    /** The live state, as readers outside a write see it. */
    private final class Space implements StateSpace {
        @Override
        public byte[] get(byte[] key) {
            return live.pairs.get(key);
        }

        @Override
        public void put(byte[] key, byte[] value) {
            throw new UnsupportedOperationException("the state changes only through apply");
        }

        @Override
        public void delete(byte[] key) {
            throw new UnsupportedOperationException("the state changes only through apply");
        }

        @Override
        public long bytes() {
            return live.bytes;
        }

        @Override
        public long count() {
            return live.pairs.size();
        }

        @Override
        public List<Pair> scan(byte[] from, int limit) {
            return live.scan(from, limit);
        }
    }
}

package io.regent.replication;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The replicated state as of this server's commit point, for readers (DESIGN.md §3.6): the live
 * state holds writes that are applied but not yet known committed, which a failover may still
 * discard, so a reader must never see them. Each such write leaves here the value every key it
 * changed had before it (an undo record); a read takes the live value and, where an uncommitted
 * write changed the key, the value before the oldest of them. Records go once the write commits.
 *
 * <p>The replica's thread records and commits; any thread reads. A reader looks at the live state
 * first and at the records second, and a write's records are in place before its change reaches
 * the live state, so a reader that saw an uncommitted value also sees its record.
 *
 * <p>What the records cannot cover (the state a server recovered from its disk, or a snapshot it
 * installed, may hold writes not yet known committed) is a floor: the view is readable only once
 * the commit point reaches it.
 */
public final class CommittedView {

    /** The value a key had before an uncommitted write, and the records of later writes to it. */
    private record Undo(long seq, byte[] before, Undo next) {
        Undo append(long laterSeq, byte[] value) {
            return new Undo(seq, before, next == null ? new Undo(laterSeq, value, null) : next.append(laterSeq, value));
        }

        /** What remains once every write up to {@code committed} is committed: null if nothing. */
        Undo after(long committed) {
            Undo u = this;
            while (u != null && u.seq <= committed) {
                u = u.next;
            }
            return u;
        }
    }

    /** An uncommitted write and the keys it changed, in the order they were applied. */
    private record Written(long seq, List<Key> keys) { }

    private final StateSpace live;
    private final Map<Key, Undo> undo = new ConcurrentHashMap<>();
    private final ArrayDeque<Written> uncommitted = new ArrayDeque<>(); // the replica's thread only
    private volatile Position committed;
    private volatile long floor;
    /** Moves on each time the live state is replaced: a read that straddles a replacement is void. */
    private volatile long generation;
    private final StateSpace readOnly = readOnlySpace();

    /** What a read found, and the commit point it reflects at least. */
    public record Read<T>(Position at, T value) { }

    /** The committed state cannot be read now (see {@link #readable}); the reader may retry shortly. */
    public static final class NotReadable extends RuntimeException {
        NotReadable() {
            super("this server does not know yet which of the writes it holds are committed (it restarted, or "
                    + "installed a snapshot, moments ago)", null, false, false);
        }
    }

    /**
     * @param live  the state as applied
     * @param floor the position the state stands at without records: readable once committed
     */
    public CommittedView(StateSpace live, Position floor) {
        this.live = live;
        this.committed = Position.NONE;
        this.floor = floor.seq();
    }

    // ---- the replica's side ---------------------------------------------------------------

    /**
     * The machine to apply entry {@code seq} with: it runs {@code machine} against a space that
     * records, before each first change of a key, the value the key had.
     */
    StateMachine recording(long seq, StateMachine machine) {
        List<Key> keys = new ArrayList<>(2);
        uncommitted.addLast(new Written(seq, keys));
        return new StateMachine() {
            @Override
            public String refusal(String command, StateSpace state) {
                return machine.refusal(command, state);
            }

            @Override
            public String apply(Entry entry, StateSpace state) {
                return machine.apply(entry, new Recording(state, seq, keys));
            }
        };
    }

    /**
     * Everything up to {@code p} is committed (and this server's history passes through it). The
     * records go first and the new commit point is published last, so that a reader who was told
     * a commit point (in {@code Regent-Applied}) reads a state at least that new.
     */
    void committed(Position p) {
        if (p.seq() <= committed.seq()) {
            return;
        }
        while (!uncommitted.isEmpty() && uncommitted.peekFirst().seq() <= p.seq()) {
            Written w = uncommitted.pollFirst();
            for (Key k : w.keys()) {
                undo.computeIfPresent(k, (key, u) -> u.after(p.seq()));
            }
        }
        committed = p;
    }

    /** The live state is about to be replaced: nothing may be read until {@link #replaced}. */
    void replacing() {
        floor = Long.MAX_VALUE;
        generation++;
    }

    /**
     * The state was replaced (a snapshot was installed at {@code at}): no record holds, and
     * nothing is readable until the commit point reaches {@code at}.
     */
    void replaced(Position at) {
        uncommitted.clear();
        undo.clear();
        if (committed.seq() > at.seq()) {
            committed = Position.NONE; // a point in the history that was replaced
        }
        generation++;
        floor = at.seq();
    }

    // ---- readers --------------------------------------------------------------------------

    /** The commit point this view reflects at least: the {@code Regent-Applied} of a read. */
    public Position committed() {
        return committed;
    }

    /** Whether the view can be read: the commit point has reached what the records cannot cover. */
    public boolean readable() {
        return committed.seq() >= floor;
    }

    /**
     * {@code reading} applied to the committed state, with the commit point it reflects at least.
     *
     * @throws NotReadable if the state is not readable, or was replaced while it was read
     */
    public <T> Read<T> read(java.util.function.Function<StateSpace, T> reading) {
        long before = generation;
        Position at = committed;
        if (at.seq() < floor) {
            throw new NotReadable();
        }
        T value = reading.apply(readOnly);
        if (generation != before) {
            throw new NotReadable();
        }
        return new Read<>(at, value);
    }

    /** The committed value of {@code key}, or null. */
    public byte[] get(byte[] key) {
        byte[] value = live.get(key);
        Undo u = undo.get(new Key(key));
        return u == null ? value : u.before();
    }

    /** Up to {@code limit} committed pairs from {@code from} on, in key order. */
    public List<Pair> scan(byte[] from, int limit) {
        Key start = new Key(from);
        int changed = 0;
        for (Key k : undo.keySet()) {
            changed += k.compareTo(start) >= 0 ? 1 : 0;
        }
        // each changed key can take one live pair out of the page: read that many more
        TreeMap<Key, byte[]> page = new TreeMap<>();
        for (Pair p : live.scan(from, (int) Math.min(Integer.MAX_VALUE - 1, (long) limit + changed))) {
            page.put(new Key(p.key()), p.value());
        }
        for (Map.Entry<Key, Undo> e : undo.entrySet()) {
            if (e.getKey().compareTo(start) >= 0) {
                if (e.getValue().before() == null) {
                    page.remove(e.getKey());
                } else {
                    page.put(e.getKey(), e.getValue().before());
                }
            }
        }
        List<Pair> out = new ArrayList<>(Math.min(limit, page.size()));
        for (Map.Entry<Key, byte[]> e : page.entrySet()) {
            if (out.size() == limit) {
                break;
            }
            out.add(new Pair(e.getKey().bytes(), e.getValue()));
        }
        return out;
    }

    /** The committed state as a read-only {@link StateSpace}. */
    public StateSpace space() {
        return readOnly;
    }

    private StateSpace readOnlySpace() {
        return new StateSpace() {
            @Override
            public byte[] get(byte[] key) {
                return CommittedView.this.get(key);
            }

            @Override
            public void put(byte[] key, byte[] value) {
                throw new UnsupportedOperationException("a committed view is read only");
            }

            @Override
            public void delete(byte[] key) {
                throw new UnsupportedOperationException("a committed view is read only");
            }

            @Override
            public List<Pair> scan(byte[] from, int limit) {
                return CommittedView.this.scan(from, limit);
            }

            @Override
            public long bytes() {
                return live.bytes();
            }

            @Override
            public long count() {
                return live.count();
            }
        };
    }

    /** Keys holding undo records: a test sees that no record outlives its write's commit. */
    public int uncommittedKeys() {
        return undo.size();
    }

    // ---- recording ------------------------------------------------------------------------

    /** The space an uncommitted write applies to: it keeps each key's value before the first change. */
    private final class Recording implements StateSpace {
        private final StateSpace state;
        private final long seq;
        private final List<Key> keys;

        Recording(StateSpace state, long seq, List<Key> keys) {
            this.state = state;
            this.seq = seq;
            this.keys = keys;
        }

        private void before(byte[] key) {
            Key k = new Key(key.clone());
            if (keys.contains(k)) {
                return; // recorded at this write's first change of the key
            }
            keys.add(k);
            byte[] value = state.get(key);
            undo.compute(k, (kk, u) -> u == null ? new Undo(seq, value, null) : u.append(seq, value));
        }

        @Override
        public byte[] get(byte[] key) {
            return state.get(key);
        }

        @Override
        public void put(byte[] key, byte[] value) {
            before(key);
            state.put(key, value);
        }

        @Override
        public void delete(byte[] key) {
            before(key);
            state.delete(key);
        }

        @Override
        public List<Pair> scan(byte[] from, int limit) {
            return state.scan(from, limit);
        }

        @Override
        public long bytes() {
            return state.bytes();
        }

        @Override
        public long count() {
            return state.count();
        }
    }

    /** A key as a map key: its bytes, equal by content, ordered as the state orders them (unsigned). */
    private record Key(byte[] bytes) implements Comparable<Key> {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public int compareTo(Key o) {
            return Arrays.compareUnsigned(bytes, o.bytes);
        }
    }
}

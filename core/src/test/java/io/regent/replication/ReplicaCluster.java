package io.regent.replication;

import io.regent.protocol.Configuration;
import io.regent.machines.Machines;
import io.regent.kv.KeyValueStore;
import io.regent.kv.KvCommand;
import io.regent.protocol.Epoch;
import io.regent.protocol.Role;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Replicas of a key-value store wired by an in-memory, in-order network the test controls: it
 * says who is master in which epoch, which servers are cut off, and delivers messages one by one.
 * Each replica keeps its state in a {@link MemoryStorage}; by default whatever a replica asks to
 * make durable is synced at once, and a test that wants to see the difference holds syncs back.
 */
final class ReplicaCluster {

    record InFlight(String from, String to, StreamMessage message) { }

    static final long RETAIN_BYTES = 1 << 20;
    static final int RETAIN_ENTRIES = 10_000;

    final Map<String, Replica> replicas = new LinkedHashMap<>();
    final Map<String, MemoryStorage> storages = new HashMap<>();
    final Map<String, List<ReplicaEffect>> effects = new HashMap<>();
    final Map<String, Position> persistAsked = new HashMap<>();
    final Deque<InFlight> network = new ArrayDeque<>();
    final Set<String> cut = new HashSet<>();
    final Set<String> holdSyncs = new HashSet<>();
    /** Messages delivered, by type. */
    final Map<Class<?>, Integer> delivered = new HashMap<>();
    private final ReplicationConfig template;
    private final Map<String, Integer> members = new java.util.LinkedHashMap<>();
    private final Machines machine = new Machines(new KeyValueStore(Long.MAX_VALUE, Long.MAX_VALUE));
    long now = 1_000;

    ReplicaCluster(ReplicationConfig template, String... ids) {
        this(template, RETAIN_ENTRIES, ids);
    }

    /** @param retainEntries writes each server keeps to fill others' gaps */
    ReplicaCluster(ReplicationConfig template, int retainEntries, String... ids) {
        this.template = template;
        for (String id : ids) {
            storages.put(id, new MemoryStorage(RETAIN_BYTES, retainEntries));
            effects.put(id, new ArrayList<>());
        }
        for (int i = 0; i < ids.length; i++) {
            members.put(ids[i], i + 1);
        }
        for (String id : ids) {
            replicas.put(id, replica(id, storages.get(id)));
        }
    }

    private Replica replica(String id, MemoryStorage storage) {
        return new Replica(config(id), storage, machine, Configuration.bootstrap(members, Map.of()), ConfigurationRecord.NONE);
    }

    ReplicaCluster(String... ids) {
        this(ReplicationConfig.defaults("template"), ids);
    }

    /** The same cluster with another acknowledgement mode. */
    static ReplicaCluster withMode(AckMode mode, String... ids) {
        ReplicationConfig d = ReplicationConfig.defaults("template");
        return new ReplicaCluster(new ReplicationConfig("template", mode, d.ackTimeout(), d.fetchTimeout(),
                d.maxMessageBytes(), d.maxPendingBytes(), d.framesInFlight()), ids);
    }

    private ReplicationConfig config(String id) {
        return new ReplicationConfig(id, template.ackMode(), template.ackTimeout(),
                template.fetchTimeout(), template.maxMessageBytes(), template.maxPendingBytes(), template.framesInFlight());
    }

    Replica get(String id) {
        return replicas.get(id);
    }

    /** Makes {@code master} master of {@code epoch} and everybody else follow it. */
    void elect(String master, Epoch epoch, List<String> live) {
        for (String id : replicas.keySet()) {
            if (!cut.contains(id)) {
                view(id, id.equals(master) ? Role.MASTER : Role.BACKUP, epoch, master, live);
            }
        }
    }

    /** A master's {@code live} servers are both its live followers and the peers it asks at takeover. */
    void view(String id, Role role, Epoch epoch, String master, List<String> live) {
        List<String> known = role == Role.MASTER ? live : List.of();
        view(id, new GroupView(role, epoch, master, known, known));
    }

    void view(String id, GroupView view) {
        get(id).view(now, view);
        collect(id);
    }

    Proposal put(String master, String key, String value) {
        Proposal p = get(master).propose(now, KvCommand.put(key, value, null).encode());
        collect(master);
        return p;
    }

    /** A linearizable read, number {@code ticket}, asked of {@code id}; false if it is not the open master. */
    boolean read(String id, long ticket) {
        boolean open = get(id).read(now, ticket);
        collect(id);
        return open;
    }

    void tick(long advance) {
        now += advance;
        for (String id : replicas.keySet()) {
            if (!cut.contains(id)) {
                get(id).tick(now);
                collect(id);
            }
        }
    }

    /** Makes what {@code id} asked to persist durable now (for a replica whose syncs are held). */
    void persist(String id) {
        Position p = persistAsked.remove(id);
        if (p != null) {
            storages.get(id).sync();
            get(id).durable(now, p);
            collect(id);
        }
    }

    /**
     * {@code id} crashes and restarts from what its storage kept: every unsynced step if
     * {@code keepUnsynced}, none if not. Messages in flight to it are lost.
     */
    void crashAndRestart(String id, boolean keepUnsynced) {
        MemoryStorage before = storages.get(id);
        MemoryStorage after = before.crash(keepUnsynced ? Integer.MAX_VALUE : 0);
        storages.put(id, after);
        replicas.put(id, replica(id, after));
        persistAsked.remove(id);
        effects.get(id).clear();
        network.removeIf(m -> m.to().equals(id));
    }

    /** Delivers everything in flight (and what it causes), dropping what {@code lose} selects. */
    int deliverAll(Predicate<InFlight> lose) {
        int delivered = 0;
        while (!network.isEmpty()) {
            InFlight m = network.pollFirst();
            if (cut.contains(m.to()) || cut.contains(m.from()) || lose.test(m)) {
                continue;
            }
            get(m.to()).receive(now, m.message());
            collect(m.to());
            this.delivered.merge(m.message().getClass(), 1, Integer::sum);
            delivered++;
        }
        return delivered;
    }

    int deliverAll() {
        return deliverAll(m -> false);
    }

    /** What {@code id} was told to do of type {@code type}, and forgets it. */
    <T extends ReplicaEffect> List<T> taken(String id, Class<T> type) {
        List<T> found = new ArrayList<>();
        for (ReplicaEffect e : effects.get(id)) {
            if (type.isInstance(e)) {
                found.add(type.cast(e));
            }
        }
        effects.get(id).removeIf(type::isInstance);
        return found;
    }

    String digest(String id) {
        return storages.get(id).digest();
    }

    Optional<KeyValueStore.Item> read(String id, String key) {
        return KeyValueStore.get(storages.get(id).space(), key);
    }

    long keys(String id) {
        return storages.get(id).space().count();
    }

    private void collect(String id) {
        for (ReplicaEffect e : get(id).drain()) {
            if (e instanceof ReplicaEffect.Send s) {
                for (String to : replicas.keySet()) {
                    if (s.to() == null ? !to.equals(id) : to.equals(s.to())) {
                        network.addLast(new InFlight(id, to, s.message()));
                    }
                }
            } else if (e instanceof ReplicaEffect.Persist p) {
                persistAsked.put(id, p.upTo());
            } else {
                effects.get(id).add(e);
            }
        }
        if (!holdSyncs.contains(id) && persistAsked.containsKey(id)) {
            persist(id);
        }
    }
}

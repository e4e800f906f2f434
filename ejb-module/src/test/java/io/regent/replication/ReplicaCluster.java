package io.regent.replication;

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
import java.util.Set;
import java.util.function.Predicate;

/**
 * Replicas of a key-value store wired by an in-memory, in-order network the test controls: it
 * says who is master in which epoch, which servers are cut off, and delivers messages one by one.
 */
final class ReplicaCluster {

    record InFlight(String from, String to, StreamMessage message) { }

    final Map<String, Replica> replicas = new LinkedHashMap<>();
    final Map<String, List<ReplicaEffect>> effects = new HashMap<>();
    final Deque<InFlight> network = new ArrayDeque<>();
    final Set<String> cut = new HashSet<>();
    long now = 1_000;

    ReplicaCluster(ReplicationConfig template, String... ids) {
        for (String id : ids) {
            ReplicationConfig c = new ReplicationConfig(id, template.minAcks(), template.retention(),
                    template.ackTimeout(), template.fetchTimeout(), template.batchLimit());
            replicas.put(id, new Replica(c, new KeyValueStore()));
            effects.put(id, new ArrayList<>());
        }
    }

    ReplicaCluster(String... ids) {
        this(ReplicationConfig.defaults("template"), ids);
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

    void tick(long advance) {
        now += advance;
        for (String id : replicas.keySet()) {
            if (!cut.contains(id)) {
                get(id).tick(now);
                collect(id);
            }
        }
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
        return get(id).machine().digest();
    }

    KeyValueStore store(String id) {
        return (KeyValueStore) get(id).machine();
    }

    private void collect(String id) {
        for (ReplicaEffect e : get(id).drain()) {
            if (e instanceof ReplicaEffect.Send s) {
                for (String to : replicas.keySet()) {
                    if (s.to() == null ? !to.equals(id) : to.equals(s.to())) {
                        network.addLast(new InFlight(id, to, s.message()));
                    }
                }
            } else {
                effects.get(id).add(e);
            }
        }
    }
}

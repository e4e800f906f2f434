package io.regent.replication;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The master's writes that wait for acknowledgements, and how far each follower has
 * acknowledged in this epoch. A write commits once every live follower has acknowledged it
 * (or, with a minimum configured, that many followers have); writes commit in order.
 */
final class Commitments {

    private final int minAcks;
    private final TreeMap<Long, Long> waiting = new TreeMap<>();
    private final Map<String, Long> acked = new HashMap<>();

    Commitments(int minAcks) {
        this.minAcks = minAcks;
    }

    void await(long seq, long now) {
        waiting.put(seq, now);
    }

    void acked(String follower, long seq) {
        acked.merge(follower, seq, Math::max);
    }

    /** How far {@code follower} has acknowledged, or -1. */
    long ackedBy(String follower) {
        return acked.getOrDefault(follower, -1L);
    }

    int waiting() {
        return waiting.size();
    }

    /** Removes and returns, in order, the writes now acknowledged as required. */
    List<Long> committable(List<String> liveFollowers) {
        List<Long> done = new ArrayList<>();
        while (!waiting.isEmpty() && satisfied(waiting.firstKey(), liveFollowers)) {
            done.add(waiting.pollFirstEntry().getKey());
        }
        return done;
    }

    /** Removes and returns the writes that waited longer than {@code timeout}. */
    List<Long> expired(long now, long timeout) {
        List<Long> late = new ArrayList<>();
        for (Iterator<Map.Entry<Long, Long>> it = waiting.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Long> w = it.next();
            if (now - w.getValue() >= timeout) {
                late.add(w.getKey());
                it.remove();
            }
        }
        return late;
    }

    /** Forgets everything (a new epoch, or stepping down); returns what was still waiting. */
    List<Long> clear() {
        List<Long> abandoned = List.copyOf(waiting.keySet());
        waiting.clear();
        acked.clear();
        return abandoned;
    }

    private boolean satisfied(long seq, List<String> liveFollowers) {
        if (minAcks < 0) {
            return liveFollowers.stream().allMatch(f -> ackedBy(f) >= seq);
        }
        return acked.values().stream().filter(a -> a >= seq).count() >= minAcks;
    }
}

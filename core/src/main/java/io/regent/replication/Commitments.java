package io.regent.replication;

import io.regent.protocol.Configuration;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The master's writes that wait for acknowledgements, and how far each follower has made its
 * copy durable in this epoch. A write commits once it is durable on as many servers as the
 * {@link AckMode} asks; writes commit in order. Bounded: the bytes of waiting writes are counted.
 */
final class Commitments {

    private record Waiting(long since, long bytes) { }

    private final AckMode mode;
    private final String self;
    /** Whose copies count toward a majority: the configuration this master's history holds now. */
    private Configuration voters;
    private final TreeMap<Long, Waiting> waiting = new TreeMap<>();
    private final Map<String, Long> acked = new HashMap<>();
    /** When each follower last acknowledged something new, or was last reminded of the tail. */
    private final Map<String, Long> lastProgress = new HashMap<>();
    private long openedAt;
    private long bytes;

    Commitments(AckMode mode, String self, Configuration voters) {
        this.mode = mode;
        this.self = self;
        this.voters = voters;
    }

    /** The configuration changed: copies count by the new one from now on (DESIGN.md §9). */
    void reconfigure(Configuration next) {
        voters = next;
    }

    void await(long seq, long now, long size) {
        waiting.put(seq, new Waiting(now, size));
        bytes += size;
    }

    void acked(String follower, long seq, long now) {
        if (seq > ackedBy(follower)) {
            acked.put(follower, seq);
            lastProgress.put(follower, now);
        }
    }

    /** The master opened in this epoch at {@code now}: no follower has had time to acknowledge yet. */
    void opened(long now) {
        openedAt = now;
    }

    /** How long {@code follower} has neither acknowledged anything new nor been reminded. */
    long quietSince(String follower, long now) {
        return now - lastProgress.getOrDefault(follower, openedAt);
    }

    void reminded(String follower, long now) {
        lastProgress.put(follower, now);
    }

    /** How far {@code follower} has acknowledged, or -1. */
    long ackedBy(String follower) {
        return acked.getOrDefault(follower, -1L);
    }

    int waiting() {
        return waiting.size();
    }

    long waitingBytes() {
        return bytes;
    }

    /**
     * Removes and returns, in order, the writes now durable on enough servers.
     *
     * @param durableHere how far the master's own copy is durable
     * @param liveFollowers the followers the protocol hears (used by {@link AckMode#ALL_LIVE})
     */
    List<Long> committable(long durableHere, List<String> liveFollowers) {
        List<Long> done = new ArrayList<>();
        while (!waiting.isEmpty() && satisfied(waiting.firstKey(), durableHere, liveFollowers)) {
            Map.Entry<Long, Waiting> w = waiting.pollFirstEntry();
            bytes -= w.getValue().bytes();
            done.add(w.getKey());
        }
        return done;
    }

    /** Removes and returns the writes that waited longer than {@code timeout}. */
    List<Long> expired(long now, long timeout) {
        List<Long> late = new ArrayList<>();
        for (Iterator<Map.Entry<Long, Waiting>> it = waiting.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Waiting> w = it.next();
            if (now - w.getValue().since() >= timeout) {
                late.add(w.getKey());
                bytes -= w.getValue().bytes();
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
        lastProgress.clear();
        bytes = 0;
        return abandoned;
    }

    private boolean satisfied(long seq, long durableHere, List<String> liveFollowers) {
        if (durableHere < seq) {
            return false; // the master counts its own copy only once it is durable
        }
        if (mode == AckMode.ALL_LIVE) {
            for (String f : liveFollowers) {
                if (ackedBy(f) < seq) {
                    return false;
                }
            }
            return true;
        }
        // loops, not streams: this runs for every acknowledgement on a busy master; only voters'
        // copies count (a learner's, or a removed server's, do not)
        int copies = voters.isVoter(self) ? 1 : 0;
        for (Map.Entry<String, Long> a : acked.entrySet()) {
            if (a.getValue() >= seq && voters.isVoter(a.getKey())) {
                copies++;
            }
        }
        return copies >= voters.majority();
    }
}

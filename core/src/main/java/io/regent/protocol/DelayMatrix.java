package io.regent.protocol;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The measured one-way delays d(k, j) of claims 10-13. This server's own row comes from its
 * probes (half the round trip, the largest of the recent samples so that an estimate errs long);
 * the other rows come from the peers' announcements. A missing or tiny value is the floor.
 */
public final class DelayMatrix {

    private final String self;
    private final long floor;
    private final long ceiling;
    private final int history;
    private final Map<String, Deque<Long>> samples = new HashMap<>();
    private final Map<String, Map<String, Long>> rows = new HashMap<>();

    /**
     * @param ceiling a sample above it measured a stalled peer, not the network, and is ignored
     */
    DelayMatrix(String self, long floor, long ceiling, int history) {
        this.self = self;
        this.floor = floor;
        this.ceiling = ceiling;
        this.history = history;
    }

    /** Records one probe round trip to {@code peer}; false if it was ignored. */
    boolean sample(String peer, long roundTrip) {
        if (roundTrip < 0 || roundTrip > 2 * ceiling) {
            return false;
        }
        Deque<Long> recent = samples.computeIfAbsent(peer, p -> new ArrayDeque<>(history));
        if (recent.size() == history) {
            recent.removeFirst();
        }
        recent.addLast((roundTrip + 1) / 2);
        return true;
    }

    void acceptRow(String from, Map<String, Long> row) {
        rows.put(from, Map.copyOf(row));
    }

    /** Forgets what was measured to and reported by servers that left the group. */
    void retainOnly(java.util.Set<String> members) {
        samples.keySet().retainAll(members);
        rows.keySet().retainAll(members);
    }

    /** This server's measured estimates, peer to one-way ms, without the floor applied. */
    public Map<String, Long> ownRow() {
        Map<String, Long> row = new HashMap<>();
        samples.forEach((peer, recent) -> row.put(peer, estimate(recent)));
        return row;
    }

    /** d(k, j), floor applied; k's own report first, then j's report of the reverse link. */
    public long oneWay(String k, String j) {
        if (k.equals(j)) {
            return 0;
        }
        Long measured = reported(k, j);
        if (measured == null) {
            measured = reported(j, k);
        }
        return measured == null ? floor : Math.max(measured, floor);
    }

    private Long reported(String from, String to) {
        if (from.equals(self)) {
            Deque<Long> recent = samples.get(to);
            return recent == null || recent.isEmpty() ? null : estimate(recent);
        }
        Map<String, Long> row = rows.get(from);
        return row == null ? null : row.get(to);
    }

    private static long estimate(Deque<Long> recent) {
        long max = 0;
        for (long s : recent) {
            max = Math.max(max, s);
        }
        return max;
    }
}

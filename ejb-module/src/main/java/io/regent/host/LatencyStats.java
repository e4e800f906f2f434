package io.regent.host;

import java.util.Arrays;

/** The latest durations of one kind, with their percentiles, for the group API and metrics. */
public final class LatencyStats {

    /** What the group API shows: sample count and p50 / p99 / max over the latest ones, in the unit they were added. */
    public record Summary(long samples, long p50, long p99, long max) {

        /** Nothing measured yet. */
        public static final Summary NONE = new Summary(0, -1, -1, -1);
    }

    private final long[] ring;
    private long count;

    public LatencyStats(int keep) {
        this.ring = new long[keep];
    }

    public synchronized void add(long duration) {
        ring[(int) (count++ % ring.length)] = duration;
    }

    public synchronized Summary summary() {
        int n = (int) Math.min(count, ring.length);
        if (n == 0) {
            return Summary.NONE;
        }
        long[] sorted = Arrays.copyOf(ring, n);
        Arrays.sort(sorted);
        return new Summary(count, sorted[(n - 1) / 2], sorted[(int) Math.ceil(n * 0.99) - 1], sorted[n - 1]);
    }
}

package io.regent.sim;

import java.util.Random;

/**
 * The simulated network between servers 0..n-1: a delay range per directed link, loss,
 * duplication and partitions. Reordering comes from independent per-message delays.
 */
final class Network {

    private final Random rng;
    private final long[][] minDelay;
    private final long[][] maxDelay;
    private final boolean[][] cut;
    private double loss;
    private double duplication;

    Network(Random rng, int n, long lowest, long highest) {
        this.rng = rng;
        this.minDelay = new long[n][n];
        this.maxDelay = new long[n][n];
        this.cut = new boolean[n][n];
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                long lo = lowest + (highest > lowest ? rng.nextInt((int) (highest - lowest) + 1) : 0);
                minDelay[a][b] = lo;
                maxDelay[a][b] = lo + (highest > lo ? rng.nextInt((int) (highest - lo) + 1) : 0);
            }
        }
    }

    long delay(int from, int to) {
        long lo = minDelay[from][to];
        long hi = maxDelay[from][to];
        return lo + (hi > lo ? (long) (rng.nextDouble() * (hi - lo + 1)) : 0);
    }

    boolean delivers(int from, int to) {
        return !cut[from][to] && (loss == 0 || rng.nextDouble() >= loss);
    }

    boolean duplicates() {
        return duplication > 0 && rng.nextDouble() < duplication;
    }

    void faults(double loss, double duplication) {
        this.loss = loss;
        this.duplication = duplication;
    }

    /** Cuts every link between {@code side} and the rest, both ways. */
    void isolate(int side) {
        for (int other = 0; other < cut.length; other++) {
            if (other != side) {
                cut[side][other] = true;
                cut[other][side] = true;
            }
        }
    }

    /** Restores every link of {@code side}, both ways, as {@link #isolate} cut them. */
    void rejoin(int side) {
        for (int other = 0; other < cut.length; other++) {
            cut[side][other] = false;
            cut[other][side] = false;
        }
    }

    /** Cuts every link between {@code side} and the rest, both ways; links within each side stay. */
    void split(java.util.List<Integer> side) {
        for (int a = 0; a < cut.length; a++) {
            for (int b = 0; b < cut.length; b++) {
                if (side.contains(a) != side.contains(b)) {
                    cut[a][b] = true;
                }
            }
        }
    }

    void heal() {
        for (boolean[] row : cut) {
            java.util.Arrays.fill(row, false);
        }
        faults(0, 0);
    }

    boolean clean() {
        if (loss > 0 || duplication > 0) {
            return false;
        }
        for (boolean[] row : cut) {
            for (boolean c : row) {
                if (c) {
                    return false;
                }
            }
        }
        return true;
    }

    long highestDelay() {
        long max = 0;
        for (long[] row : maxDelay) {
            for (long d : row) {
                max = Math.max(max, d);
            }
        }
        return max;
    }
}

package io.regent.sim;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The simulated network between servers 0..n-1: a delay range per directed link, loss,
 * duplication and cuts. Reordering comes from independent per-message delays. A cut is per
 * directed link and per path (the control topic, the requests topic), so that a server may hear
 * another that does not hear it, and one topic may fail where the other works.
 */
final class Network {

    /** The two topics the servers talk over, each its own path through the fabric. */
    enum Path { CONTROL, STREAM }

    static final Set<Path> BOTH = EnumSet.allOf(Path.class);

    private final Random rng;
    private final long[][] minDelay;
    private final long[][] maxDelay;
    /** Indexed by path, sender, receiver. */
    private final boolean[][][] cut;
    private double loss;
    private double duplication;

    Network(Random rng, int n, long lowest, long highest) {
        this.rng = rng;
        this.minDelay = new long[n][n];
        this.maxDelay = new long[n][n];
        this.cut = new boolean[Path.values().length][n][n];
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

    boolean delivers(int from, int to, Path path) {
        return !cut[path.ordinal()][from][to] && (loss == 0 || rng.nextDouble() >= loss);
    }

    boolean duplicates() {
        return duplication > 0 && rng.nextDouble() < duplication;
    }

    void faults(double loss, double duplication) {
        this.loss = loss;
        this.duplication = duplication;
    }

    /** Cuts every link between {@code side} and the rest, both ways, on both paths. */
    void isolate(int side) {
        for (int other = 0; other < size(); other++) {
            if (other != side) {
                cut(side, other, BOTH);
                cut(other, side, BOTH);
            }
        }
    }

    /** Restores every link of {@code side}, both ways, as {@link #isolate} cut them. */
    void rejoin(int side) {
        for (boolean[][] links : cut) {
            for (int other = 0; other < size(); other++) {
                links[side][other] = false;
                links[other][side] = false;
            }
        }
    }

    /** Cuts every link between {@code side} and the rest, both ways; links within each side stay. */
    void split(List<Integer> side) {
        for (int a = 0; a < size(); a++) {
            for (int b = 0; b < size(); b++) {
                if (side.contains(a) != side.contains(b)) {
                    cut(a, b, BOTH);
                }
            }
        }
    }

    /** What {@code from} sends on {@code paths} no longer reaches {@code to}; the other way still works. */
    void cut(int from, int to, Set<Path> paths) {
        for (Path p : paths) {
            cut[p.ordinal()][from][to] = true;
        }
    }

    /**
     * {@code left} and {@code right} no longer hear each other on {@code paths}, either way; the
     * servers in neither still hear both sides, and both sides hear them.
     */
    void bridge(List<Integer> left, List<Integer> right, Set<Path> paths) {
        for (int a : left) {
            for (int b : right) {
                cut(a, b, paths);
                cut(b, a, paths);
            }
        }
    }

    void heal() {
        for (boolean[][] links : cut) {
            for (boolean[] row : links) {
                Arrays.fill(row, false);
            }
        }
        faults(0, 0);
    }

    boolean clean() {
        if (loss > 0 || duplication > 0) {
            return false;
        }
        for (boolean[][] links : cut) {
            for (boolean[] row : links) {
                for (boolean c : row) {
                    if (c) {
                        return false;
                    }
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

    /** The cut links, for a trace: per path, {@code from>to} with the servers as {@code name} calls them. */
    String describeCuts(IntFunction<String> name) {
        StringBuilder b = new StringBuilder();
        for (Path p : Path.values()) {
            b.append(p).append(':');
            for (int from = 0; from < size(); from++) {
                for (int to = 0; to < size(); to++) {
                    if (cut[p.ordinal()][from][to]) {
                        b.append(' ').append(name.apply(from)).append('>').append(name.apply(to));
                    }
                }
            }
            b.append(p == Path.CONTROL ? "; " : "");
        }
        return b.toString();
    }

    private int size() {
        return minDelay.length;
    }
}

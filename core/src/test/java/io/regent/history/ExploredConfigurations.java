package io.regent.history;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The configurations the search has entered: which steps are placed, and the state they leave
 * the key in. One reached again by another order is not searched again: its first visit tried
 * everything that can follow it (Lowe's memoization of Wing &amp; Gong's search, as in Knossos and
 * Porcupine). Entries are exact, never fingerprints; the placed required steps are kept from the
 * first unplaced one on (every one before it is placed), so an entry costs about the width of
 * the history's concurrency, not its length.
 *
 * <p>A configuration is also covered by one entered with the same required steps placed and the
 * same state that had used no more of the writes that may never have taken effect, of any
 * class, and searched no less freely (its run of such writes had not deleted, or both had): any
 * way to finish from the new one finishes from the old one too, with writes left to spare.
 */
final class ExploredConfigurations {

    private final Map<Placed, List<Spent>> seen = new HashMap<>();
    private int size;

    /**
     * Adds the configuration; false if it was entered already, or is covered by one that was.
     *
     * @param classPlaced    per class of interchangeable optional writes, how many are placed
     * @param loosePlaced    the other optional writes placed, a bit each
     * @param deleting       whether the run of optional writes on top of the search has deleted
     */
    boolean add(long state, long[] requiredPlaced, int[] classPlaced, long[] loosePlaced, boolean deleting) {
        int from = 0;
        while (from < requiredPlaced.length && requiredPlaced[from] == -1L) {
            from++;
        }
        int to = requiredPlaced.length;
        while (to > from && requiredPlaced[to - 1] == 0) {
            to--;
        }
        Placed key = new Placed(state, from, Arrays.copyOfRange(requiredPlaced, from, to));
        List<Spent> entries = seen.computeIfAbsent(key, k -> new ArrayList<>(1));
        for (Spent e : entries) {
            if (e.covers(classPlaced, loosePlaced, deleting)) {
                return false;
            }
        }
        Spent spent = new Spent(classPlaced.clone(), loosePlaced.clone(), deleting);
        entries.removeIf(e -> spent.covers(e.classPlaced, e.loosePlaced, e.deleting)); // no longer needed
        entries.add(spent);
        size++;
        return true;
    }

    /** Configurations entered (those since covered by another included). */
    int size() {
        return size;
    }

    /** The part of a configuration that must match exactly. */
    private static final class Placed {
        private final long state;
        private final int from;
        private final long[] required;
        private final int hash;

        Placed(long state, int from, long[] required) {
            this.state = state;
            this.from = from;
            this.required = required;
            this.hash = (Long.hashCode(state) * 31 + from) * 31 + Arrays.hashCode(required);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Placed p && p.hash == hash && p.state == state && p.from == from
                    && Arrays.equals(p.required, required);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** What a configuration used of the optional writes, and how freely it was searched. */
    private record Spent(int[] classPlaced, long[] loosePlaced, boolean deleting) {

        /** Whether a configuration that used this much, this freely, covers one that used {@code classes} and {@code others}. */
        boolean covers(int[] classes, long[] others, boolean deletingToo) {
            if (deleting && !deletingToo) {
                return false;
            }
            for (int c = 0; c < classes.length; c++) {
                if (classPlaced[c] > classes[c]) {
                    return false;
                }
            }
            for (int w = 0; w < others.length; w++) {
                if ((loosePlaced[w] & ~others[w]) != 0) {
                    return false;
                }
            }
            return true;
        }
    }
}

package io.regent.protocol;

/**
 * The index servers are compared by (claims 18-21; DESIGN.md §2.2): the lower, the better. It is
 * either the number the operator configured, 1 to {@value #MAX_SLOT}, or measured: a band from
 * the server's capacity figure (its computing power, claim 20, or its bandwidth to the fabric,
 * claim 21), stronger first, followed by the server's member number as the last three digits.
 *
 * <p>The member number keeps every index unique, so an epoch (term, index) still names the one
 * server that may declare it, whatever figure it measured. The band makes the stronger server the
 * better-ranked one wherever ranks are compared: election delays, and concurrent declarations of
 * one term (the epoch's own order). Every server derives the same order from the same figures:
 * higher capacity first, ties broken by member number. Configured indexes rank before measured
 * ones; a member whose measured index has not been heard yet ranks after every other.
 */
public final class Index {

    /** The largest member number (and configured index). */
    public static final int MAX_SLOT = 999;
    private static final int SLOTS = MAX_SLOT + 1;
    /** Capacity points per doubling of the figure: figures within ~19 % of each other may tie. */
    private static final int POINTS_PER_DOUBLING = 4;
    /** A figure is a positive long: below 2^63. */
    public static final int MAX_POINTS = 63 * POINTS_PER_DOUBLING;
    private static final int UNHEARD_BAND = MAX_POINTS + 2;

    private Index() {
    }

    /** The index of a server with member number {@code slot} that measured {@code figure}. */
    public static int measured(long figure, int slot) {
        requireSlot(slot);
        return (1 + MAX_POINTS - points(figure)) * SLOTS + slot;
    }

    /** What a measured server assumes of a peer it has not heard from: last, by member number. */
    static int unheard(int slot) {
        return UNHEARD_BAND * SLOTS + slot;
    }

    /** The member number in an index. */
    public static int slot(int index) {
        return index % SLOTS;
    }

    /** Whether the index was measured (rather than configured). */
    public static boolean isMeasured(int index) {
        return index >= SLOTS;
    }

    /** An index a server may state as its own: a configured one, or a measured one. */
    public static boolean valid(int index) {
        int slot = slot(index);
        return slot >= 1 && index / SLOTS <= 1 + MAX_POINTS && index > 0;
    }

    /** The capacity points of a figure: {@value #POINTS_PER_DOUBLING} per doubling, 0 for 1 or less. */
    public static int points(long figure) {
        if (figure <= 1) {
            return 0;
        }
        int whole = 63 - Long.numberOfLeadingZeros(figure); // floor(log2)
        double fraction = Math.log((double) figure / (1L << whole)) / Math.log(2);
        return Math.min(MAX_POINTS, (int) Math.floor(POINTS_PER_DOUBLING * (whole + fraction)));
    }

    private static void requireSlot(int slot) {
        if (slot < 1 || slot > MAX_SLOT) {
            throw new IllegalArgumentException("member number " + slot + " is not within 1.." + MAX_SLOT);
        }
    }
}

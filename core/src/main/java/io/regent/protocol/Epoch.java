package io.regent.protocol;

/**
 * Fencing token of a mastership: the term a declaration opened and the index of the server that
 * declared it. Each server only ever declares epochs carrying its own index, so two servers can
 * never be master in the same epoch, even when they declare the same term concurrently.
 *
 * <p>Order: a higher term is newer; within one term the better (lower) index is newer, which is
 * how claims 14-23 settle concurrent declarations: the worse-ranked declarer's epoch is stale.
 */
public record Epoch(long term, int index) implements Comparable<Epoch> {

    /** Before any declaration. */
    public static final Epoch NONE = new Epoch(0, 0);

    @Override
    public int compareTo(Epoch other) {
        if (term != other.term) {
            return Long.compare(term, other.term);
        }
        return Integer.compare(other.index, index);
    }

    public boolean isNewerThan(Epoch other) {
        return compareTo(other) > 0;
    }

    public boolean isOlderThan(Epoch other) {
        return compareTo(other) < 0;
    }

    /** The epoch a server of the given index opens when it declares after this one. */
    public Epoch next(int declarerIndex) {
        return new Epoch(term + 1, declarerIndex);
    }

    @Override
    public String toString() {
        return term + "." + index;
    }
}

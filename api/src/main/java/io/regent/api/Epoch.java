package io.regent.api;

/**
 * A mastership: the term of the election that made it and the index of the server elected. Every
 * later mastership has a greater epoch, on every server and across restarts (it is on disk before
 * it is used), so it serves as a fencing token: a resource that remembers the greatest epoch it
 * has seen can refuse a deposed master that still believes it leads. Order: a higher term is
 * greater; within a term, the better-ranked (lower) index is greater, as Regent settles two
 * declarations of one term.
 */
public record Epoch(long term, int index) implements Comparable<Epoch> {

    public Epoch {
        if (term < 0 || index < 0) {
            throw new IllegalArgumentException("an epoch's term and index are >= 0, got " + term + "." + index);
        }
    }

    /** Parses {@code term.index}, as {@link #toString} writes it (the {@code Regent-Epoch} header). */
    public static Epoch parse(String text) {
        int dot = text == null ? -1 : text.indexOf('.');
        if (dot <= 0) {
            throw new IllegalArgumentException("an epoch is term.index, got '" + text + "'");
        }
        try {
            return new Epoch(Long.parseLong(text.substring(0, dot)), Integer.parseInt(text.substring(dot + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("an epoch is term.index, got '" + text + "'");
        }
    }

    @Override
    public int compareTo(Epoch o) {
        int byTerm = Long.compare(term, o.term);
        return byTerm != 0 ? byTerm : Integer.compare(o.index, index);
    }

    @Override
    public String toString() {
        return term + "." + index;
    }
}

package io.regent.replication;

import io.regent.protocol.Epoch;

/**
 * Where a server's copy of the state stands: the sequence number of the last write it applied
 * and the epoch in which that write was sequenced. Sequence numbers continue across epochs; the
 * epoch tells two histories apart that reached the same number under different masters.
 *
 * <p>Order ("more advanced"): the newer epoch first, then the higher sequence, as Raft compares
 * logs. A history that a later master extended wins over a longer one it never saw.
 */
public record Position(long seq, Epoch epoch) implements Comparable<Position> {

    /** An empty state: nothing applied yet. */
    public static final Position NONE = new Position(0, Epoch.NONE);

    public Position {
        if (seq < 0 || epoch == null) {
            throw new IllegalArgumentException("bad position " + seq + "@" + epoch);
        }
    }

    @Override
    public int compareTo(Position other) {
        int byEpoch = epoch.compareTo(other.epoch);
        return byEpoch != 0 ? byEpoch : Long.compare(seq, other.seq);
    }

    public boolean isAheadOf(Position other) {
        return compareTo(other) > 0;
    }

    @Override
    public String toString() {
        return seq + "@" + epoch;
    }
}

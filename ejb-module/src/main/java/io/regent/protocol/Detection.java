package io.regent.protocol;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Inquiry bookkeeping of a backup (claims 4, 5, 24, 25): every inquiry starts its own time-out,
 * so with a time-out longer than the tick several are outstanding at once; misses count in a row.
 */
final class Detection {

    private record Outstanding(long seq, long sentAt) { }

    private final Deque<Outstanding> outstanding = new ArrayDeque<>();
    private long seq;
    private int misses;
    private long lastRoundTrip = -1;

    long nextInquiry(long now) {
        outstanding.addLast(new Outstanding(++seq, now));
        return seq;
    }

    /** A reply to any inquiry of this run shows the master functional. */
    boolean answeredBy(long replySeq, long now) {
        if (replySeq < 1 || replySeq > seq) {
            return false;
        }
        lastRoundTrip = -1;
        for (Outstanding o : outstanding) {
            if (o.seq() == replySeq) {
                lastRoundTrip = now - o.sentAt();
            }
        }
        outstanding.clear();
        misses = 0;
        return true;
    }

    /** Round trip of the inquiry the last accepted reply answered, or -1 if unknown. */
    long lastRoundTrip() {
        return lastRoundTrip;
    }

    /** The oldest unanswered inquiry ran out of time; returns the misses in a row. */
    int missed() {
        outstanding.pollFirst();
        return ++misses;
    }

    /** When the oldest unanswered inquiry runs out of time, or -1 if none is outstanding. */
    long nextDeadline(long timeout) {
        Outstanding oldest = outstanding.peekFirst();
        return oldest == null ? -1 : oldest.sentAt() + timeout;
    }

    void reset() {
        outstanding.clear();
        misses = 0;
    }
}

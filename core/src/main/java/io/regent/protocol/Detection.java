package io.regent.protocol;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Inquiry bookkeeping of a backup (claims 4, 5, 24, 25): every inquiry starts its own time-out,
 * so with a time-out longer than the tick several are outstanding at once; misses count in a row.
 *
 * <p>The time-out adapts like TCP's retransmission time-out: the smoothed round trip plus four
 * times its mean deviation, never below the configured time-out and never above its ceiling.
 * On a quiet group it is the configured one; when load makes round trips jitter, it widens
 * before a slow reply is taken for a dead master.
 */
final class Detection {

    private record Outstanding(long seq, long sentAt) { }

    private final Deque<Outstanding> outstanding = new ArrayDeque<>();
    private long seq;
    private int misses;
    /** The last missed inquiry, so that misses can be recounted. */
    private long lastMissed;
    /**
     * The last inquiry sent before the master's connection was seen to close, or -1: a reply to it
     * or an earlier one may arrive after the hint (it took another path), but it left before the
     * master did and shows nothing since.
     */
    private long departedAfter = -1;
    private long lastRoundTrip = -1;
    private double smoothed = -1;
    private double deviation;

    long nextInquiry(long now) {
        outstanding.addLast(new Outstanding(++seq, now));
        return seq;
    }

    /**
     * A reply to any inquiry of this run shows the master functional, unless it answers one sent
     * before the master's connection closed: then the hint and the misses since still count
     * ({@link #departureStands()}).
     */
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
        if (replySeq <= departedAfter) {
            outstanding.removeIf(o -> o.seq() <= departedAfter);
            misses = 1 + (int) Math.max(0, lastMissed - departedAfter);
        } else {
            outstanding.clear();
            misses = 0;
            departedAfter = -1;
        }
        if (lastRoundTrip >= 0) {
            learn(lastRoundTrip);
        }
        return true;
    }

    /** Jacobson/Karels estimators, gains 1/8 and 1/4. */
    private void learn(long roundTrip) {
        if (smoothed < 0) {
            smoothed = roundTrip;
            deviation = roundTrip / 2.0;
        } else {
            deviation = 0.75 * deviation + 0.25 * Math.abs(smoothed - roundTrip);
            smoothed = 0.875 * smoothed + 0.125 * roundTrip;
        }
    }

    /** The time-out for inquiries now: adapted to measured round trips within [floor, ceiling]. */
    long timeout(long floor, long ceiling) {
        if (smoothed < 0) {
            return floor;
        }
        return Math.max(floor, Math.min(ceiling, Math.round(smoothed + 4 * deviation)));
    }

    /** Round trip of the inquiry the last accepted reply answered, or -1 if unknown. */
    long lastRoundTrip() {
        return lastRoundTrip;
    }

    /** The oldest unanswered inquiry ran out of time; returns the misses in a row. */
    int missed() {
        Outstanding oldest = outstanding.pollFirst();
        if (oldest != null) {
            lastMissed = oldest.seq();
        }
        return ++misses;
    }

    /** The master's connection was seen to close: as good as one missed inquiry. */
    void departed() {
        if (departedAfter < 0) {
            misses++;
            departedAfter = seq;
        }
    }

    /** The master's connection closed and no inquiry sent since has been answered. */
    boolean departureStands() {
        return departedAfter >= 0;
    }

    /** When the oldest unanswered inquiry runs out of time, or -1 if none is outstanding. */
    long nextDeadline(long timeout) {
        Outstanding oldest = outstanding.peekFirst();
        return oldest == null ? -1 : oldest.sentAt() + timeout;
    }

    void reset() {
        outstanding.clear();
        misses = 0;
        departedAfter = -1;
    }
}

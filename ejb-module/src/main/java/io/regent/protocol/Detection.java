package io.regent.protocol;

/** Inquiry bookkeeping of a backup (claims 4, 5, 24, 25): sequence numbers and misses in a row. */
final class Detection {

    private long seq;
    private long sentAt;
    private int misses;

    long nextInquiry(long now) {
        sentAt = now;
        return ++seq;
    }

    /** A reply to any inquiry of this run shows the master functional. */
    boolean answeredBy(long replySeq) {
        if (replySeq < 1 || replySeq > seq) {
            return false;
        }
        misses = 0;
        return true;
    }

    /** Round trip of the latest inquiry if {@code replySeq} answers it, else -1. */
    long roundTrip(long replySeq, long now) {
        return replySeq == seq ? now - sentAt : -1;
    }

    int missed() {
        return ++misses;
    }

    void reset() {
        misses = 0;
    }
}

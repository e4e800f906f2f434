package io.regent.protocol;

/** Inquiry bookkeeping of a backup (claims 4, 5, 24, 25): sequence numbers and misses in a row. */
final class Detection {

    private long seq;
    private int misses;

    long nextInquiry() {
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

    int missed() {
        return ++misses;
    }

    void reset() {
        misses = 0;
    }
}

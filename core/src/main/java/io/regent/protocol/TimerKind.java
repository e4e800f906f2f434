package io.regent.protocol;

/** The timers a node asks its host for; at most one of each kind is outstanding. */
public enum TimerKind {
    /** Periodic, aligned to multiples of the detection interval: send an INQUIRY (claims 4, 24). */
    DETECTION,
    /** Single action: the INQUIRY went unanswered (claims 5, 25). */
    REPLY_TIMEOUT,
    /** Single action: this server's election delay D(i) ran out (claims 6-9). */
    ELECTION,
    /** Periodic: probe peers for delays and announce this server's view. */
    PROBE,
    /** Single action: a starting server heard of no master. */
    DISCOVERY,
    /** Single action: a better-ranked backup takes mastership back (only with preempt). */
    PREEMPT,
    /** Periodic while master: has it heard a majority within the quorum window (check-quorum)? */
    QUORUM
}

package io.regent.history;

/**
 * One operation as the search sees it: its effect on the {@link Register}, and the window in
 * which it may be placed (its own interval, widened or narrowed by what its answer proves; see
 * {@link KeyTimeline}).
 *
 * @param index     its number in the search (required steps first)
 * @param operation what the client recorded
 * @param effect    what it does to the register
 * @param observed  for {@link Effect#OBSERVE}: the state it saw
 * @param value     for a put: its value's number in the {@link Register}
 * @param version   the version its answer names (written, deleted, found in conflict), or -1 if not answered
 * @param expected  for a compare-and-set: the version it expects
 * @param start     the earliest time it may take effect (nanoseconds)
 * @param end       the latest, for a required step
 * @param required  false for a write that may never have taken effect: the search may leave it out
 * @param after     the steps it must follow, whatever the times (a read's min-seq or applied position)
 * @param symmetry  for a step that is not required: its class of interchangeable writes, else -1
 */
record Step(int index, Operation operation, Effect effect, long observed, int value, long version, long expected,
            long start, long end, boolean required, int[] after, int symmetry) {

    /** What a step does to the register. */
    enum Effect {
        /** Changes nothing; the key must be in state {@code observed} (a read, a delete answered absent). */
        OBSERVE,
        /** Changes nothing; the key must be at {@code version} (a compare-and-set answered 412). */
        CONFLICT,
        PUT,
        CAS_PUT,
        DELETE,
        CAS_DELETE
    }

    /** Changes nothing: placing it as soon as it fits never rules out a linearization. */
    boolean pure() {
        return effect == Effect.OBSERVE || effect == Effect.CONFLICT;
    }
}

package io.regent.host;

import io.regent.protocol.Epoch;
import io.regent.replication.Position;

/** What became of a client's write, for the resource to map onto HTTP. */
public sealed interface WriteOutcome {

    /**
     * Durable on enough servers; {@code value} is the answer object the machine's apply returned
     * on this master ({@code Machines.Failed} if it threw).
     */
    record Committed(Position at, Object value) implements WriteOutcome { }

    /** Sequenced but not confirmed: it may or may not have been applied, and is never reported as done. */
    record InDoubt(Position at, String reason) implements WriteOutcome { }

    /** This server does not take writes now; {@code why} says why, for the client and the operator. */
    record NotOpen(NotOpenReason why) implements WriteOutcome { }

    /** The state machine refused it before it was sequenced (a quota); nothing changed. */
    record Refused(String reason) implements WriteOutcome { }

    /** Too many bytes of writes already wait for acknowledgements: nothing changed, ask again shortly. */
    record Busy(String reason) implements WriteOutcome { }

    /** The write required a mastership epoch that is not this master's: nothing changed. */
    record Fenced(Epoch expected, Epoch current) implements WriteOutcome { }
}

package io.regent.host;

import io.regent.replication.Position;

/** What became of a linearizable read, for the resource to map onto HTTP. */
public sealed interface ReadOutcome {

    /** Confirmed: the committed state, at {@code committed} or later, may answer it. */
    record Confirmed(Position committed) implements ReadOutcome { }

    /** This server is not the master open for writes; {@code why} says why. */
    record NotOpen(NotOpenReason why) implements ReadOutcome { }

    /** This master could not confirm it still is one in time: the client may retry. */
    record NotConfirmed(String reason) implements ReadOutcome { }
}

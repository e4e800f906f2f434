package io.regent.replication;

import io.regent.protocol.Epoch;

/** One sequenced write: its place in the stream and the state machine's command. */
public record Entry(long seq, Epoch epoch, String command) {

    public Position position() {
        return new Position(seq, epoch);
    }
}

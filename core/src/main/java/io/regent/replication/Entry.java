package io.regent.replication;

import io.regent.protocol.Epoch;

/** One sequenced write: its place in the stream and the state machine's command. */
public record Entry(long seq, Epoch epoch, String command) {

    /** What a message adds to each entry: its sequence number, epoch and the command's length (io.regent.wire.StreamCodec). */
    public static final int FRAMING = 24;

    /** What an entry of a command of {@code commandBytes} UTF-8 bytes takes in a message. */
    public static long messageBytes(long commandBytes) {
        return FRAMING + commandBytes;
    }

    /**
     * The entry a master sequences as it opens (DESIGN.md §3.6): it changes nothing, and once a
     * majority holds it, every write before it is committed too, as Raft's leader commits a
     * no-op of its term.
     */
    public static Entry noOp(long seq, Epoch epoch) {
        return new Entry(seq, epoch, "");
    }

    /** Whether this is a master's opening {@link #noOp}: no state machine sees it. */
    public boolean isNoOp() {
        return command.isEmpty();
    }

    public Position position() {
        return new Position(seq, epoch);
    }
}

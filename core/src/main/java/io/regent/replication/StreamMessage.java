package io.regent.replication;

import io.regent.protocol.Epoch;

import java.util.List;

/**
 * Messages of the request stream (the requests topic). Each carries its sender's epoch: the
 * stream is fenced like the control topic, and anything from an older epoch is refused. Every
 * message is bounded in bytes: writes and snapshots travel in runs of at most
 * {@link ReplicationConfig#maxMessageBytes}, each asked for by the receiver.
 */
public sealed interface StreamMessage {

    String from();

    Epoch epoch();

    /**
     * Writes in order, following {@code prev}. The master broadcasts each write as it is
     * sequenced ({@code request} 0). A server answering {@link Fetch} number {@code request} sends
     * the next retained writes and where it stands ({@code upTo}); the asker fetches again until it
     * reaches that position. {@code committed} is the newest position the sender knows committed.
     */
    record Entries(String from, Epoch epoch, Position prev, List<Entry> entries, long request, Position upTo,
            Position committed) implements StreamMessage {
        public Entries {
            entries = List.copyOf(entries);
        }

        public boolean fill() {
            return request != 0;
        }
    }

    /** A follower has made everything up to {@code durable} durable. Cumulative. */
    record Ack(String from, Epoch epoch, Position durable) implements StreamMessage { }

    /**
     * Asks for what follows {@code after}: a gap to fill, a catch-up, or a whole state.
     * {@code takeover} marks a new master's fetch while it takes over in {@code epoch}: the only
     * fetch a follower may serve (any other asker must fetch from the open master).
     */
    record Fetch(String from, Epoch epoch, Position after, long request, boolean takeover) implements StreamMessage { }

    /**
     * The answer to {@link Fetch} number {@code request} that writes cannot serve: the state at
     * {@code at}, in key order, one chunk at a time; the asker asks for each next one.
     * {@code committed} is the newest position the sender knows committed.
     */
    record SnapshotChunk(String from, Epoch epoch, Position at, long request, Chunk chunk, Position committed)
            implements StreamMessage { }

    /** Asks for the chunk of snapshot {@code request} that follows {@code afterKey}. */
    record ChunkRequest(String from, Epoch epoch, long request, byte[] afterKey) implements StreamMessage { }

    /** A new master asks every server where its state stands (takeover sync). */
    record SyncQuery(String from, Epoch epoch) implements StreamMessage { }

    /** The answer to a {@link SyncQuery}. */
    record SyncReport(String from, Epoch epoch, Position applied) implements StreamMessage { }

    /**
     * The master is open for writes and its state stands at {@code tail}: broadcast when it opens,
     * and sent again to a follower whose acknowledgements stopped short of it (a lost write or a
     * lost acknowledgement at the end of a burst leaves nothing else to tell either side).
     */
    record Tail(String from, Epoch epoch, Position tail) implements StreamMessage { }

    /**
     * The master tells where its commit point stands, at each tick it moved and when it confirms
     * it is still the master for linearizable reads: a follower answers a round above 0 with
     * {@link HeartbeatAck}, unless it knows a newer epoch (then it refuses).
     */
    record Heartbeat(String from, Epoch epoch, long round, Position committed) implements StreamMessage { }

    /** A follower still follows the master of {@code epoch}: the answer to heartbeat {@code round}. */
    record HeartbeatAck(String from, Epoch epoch, long round) implements StreamMessage { }

    /** The receiver refused a message of an older epoch; {@code epoch} is the newer one. */
    record Refusal(String from, Epoch epoch) implements StreamMessage { }
}

package io.regent.replication;

import io.regent.protocol.Epoch;

import java.util.List;

/**
 * Messages of the request stream (the requests topic). Each carries its sender's epoch: the
 * stream is fenced like the control topic, and anything from an older epoch is refused.
 */
public sealed interface StreamMessage {

    String from();

    Epoch epoch();

    /**
     * Writes in order, following {@code prev}. The master broadcasts each write as it is
     * sequenced; a server answering a {@link Fetch} sends the writes after the asker's position,
     * with {@code fill} set on the last batch of its answer.
     */
    record Entries(String from, Epoch epoch, Position prev, List<Entry> entries, boolean fill)
            implements StreamMessage {
        public Entries {
            entries = List.copyOf(entries);
        }
    }

    /** A follower has applied everything up to {@code applied}. Cumulative. */
    record Ack(String from, Epoch epoch, Position applied) implements StreamMessage { }

    /** Asks for the writes after {@code after}: a gap to fill, or a catch-up. */
    record Fetch(String from, Epoch epoch, Position after) implements StreamMessage { }

    /** The answer to a {@link Fetch} that writes cannot serve: the whole state at {@code at}. */
    record Snapshot(String from, Epoch epoch, Position at, String state) implements StreamMessage { }

    /** A new master asks every server where its state stands (takeover sync). */
    record SyncQuery(String from, Epoch epoch) implements StreamMessage { }

    /** The answer to a {@link SyncQuery}. */
    record SyncReport(String from, Epoch epoch, Position applied) implements StreamMessage { }

    /** The new master is synced and open for writes; its state stands at {@code tail}. */
    record Resume(String from, Epoch epoch, Position tail) implements StreamMessage { }

    /** The receiver refused a message of an older epoch; {@code epoch} is the newer one. */
    record Refusal(String from, Epoch epoch) implements StreamMessage { }
}

package io.regent.replication;

import io.regent.protocol.Epoch;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StreamBatchingTest {

    private static final Epoch E = new Epoch(1, 1);
    /** Room for three entries of two-byte commands, as they travel. */
    private final StreamBatching batching = new StreamBatching(3 * Entry.messageBytes(2));

    private static ReplicaEffect.Send write(long seq) {
        Entry e = new Entry(seq, E, "c" + seq);
        return new ReplicaEffect.Send(null, new StreamMessage.Entries("s1", E, new Position(seq - 1, E), List.of(e), 0,
                e.position(), Position.NONE));
    }

    private static ReplicaEffect.Send ack(String to, long seq) {
        return new ReplicaEffect.Send(to, new StreamMessage.Ack("s2", E, new Position(seq, E)));
    }

    @Test
    void consecutiveWritesGoOutAsOneMessageUpToTheLimit() {
        List<ReplicaEffect.Send> out = batching.coalesce(List.of(write(1), write(2), write(3), write(4)));
        assertEquals(2, out.size());
        StreamMessage.Entries first = (StreamMessage.Entries) out.get(0).message();
        assertEquals(List.of(1L, 2L, 3L), first.entries().stream().map(Entry::seq).toList());
        assertEquals(new Position(0, E), first.prev());
        assertEquals(out.get(1), write(4));
    }

    @Test
    void writesThatDoNotFollowEachOtherStaySeparate() {
        assertEquals(2, batching.coalesce(List.of(write(1), write(3))).size());
        ReplicaEffect.Send fill = new ReplicaEffect.Send("s3", write(2).message());
        assertEquals(3, batching.coalesce(List.of(write(1), fill, write(2))).size());
    }

    @Test
    void cumulativeAcksToTheSameMasterCollapseToTheLast() {
        List<ReplicaEffect.Send> out = batching.coalesce(List.of(ack("s1", 1), ack("s1", 2), ack("s3", 2), ack("s3", 5)));
        assertEquals(List.of(ack("s1", 2), ack("s3", 5)), out);
    }
}

package io.regent.group;

import io.regent.kv.KeyValueStore;
import io.regent.kv.KvCommand;
import io.regent.protocol.Epoch;
import io.regent.replication.Entry;
import io.regent.replication.Position;
import io.regent.replication.StreamMessage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stream messages survive the wire, a snapshot of 100,000 keys included; malformed ones are refused. */
class StreamCodecTest {

    private static final Epoch E = new Epoch(3, 2);
    private final StreamCodec codec = new StreamCodec("g");

    @Test
    void everyMessageTypeRoundTrips() throws Exception {
        Position p = new Position(41, new Epoch(2, 1));
        List<StreamMessage> all = List.of(
                new StreamMessage.Entries("s2", E, p, List.of(new Entry(42, E, "{\"op\":\"put\",\"key\":\"a\",\"value\":\"\\\"x\\\"\"}"),
                        new Entry(43, E, "c")), true),
                new StreamMessage.Ack("s1", E, p), new StreamMessage.Fetch("s3", E, Position.NONE),
                new StreamMessage.Snapshot("s2", E, p, "[[\"a\",1,\"x\"]]"), new StreamMessage.SyncQuery("s2", E),
                new StreamMessage.SyncReport("s1", E, p), new StreamMessage.Resume("s2", E, p),
                new StreamMessage.Refusal("s3", E));
        for (StreamMessage m : all) {
            assertEquals(m, codec.decode(codec.encode(m)));
        }
    }

    @Test
    void aSnapshotOfAHundredThousandKeysTravelsWhole() throws Exception {
        KeyValueStore store = new KeyValueStore();
        for (int i = 0; i < 100_000; i++) {
            store.apply(KvCommand.put("key-" + i, "value \"" + i + "\"", null).encode());
        }
        String body = codec.encode(new StreamMessage.Snapshot("s1", E, new Position(100_000, E), store.snapshot()));
        StreamMessage.Snapshot s = (StreamMessage.Snapshot) codec.decode(body);
        KeyValueStore copy = new KeyValueStore();
        copy.restore(s.state());
        assertEquals(store.digest(), copy.digest());
        assertTrue(body.length() < 10_000_000, "about " + body.length() / 1_000_000 + " MB on the wire");
    }

    @Test
    void malformedMessagesAreRefusedWithAReason() {
        String start = "{\"v\":1,\"group\":\"g\",\"from\":\"s1\",\"term\":1,\"index\":1,";
        assertRefused(start + "\"type\":\"Ack\"}", "field applied must be an object");
        assertRefused(start + "\"type\":\"Ack\",\"applied\":{\"seq\":-1,\"term\":1,\"index\":1}}", "field applied: bad position -1@1.1");
        assertRefused(start + "\"type\":\"Entries\",\"prev\":{\"seq\":1,\"term\":1,\"index\":1},\"entries\":[[1,2]]}",
                "each entry must be [seq, term, index, command]");
        assertRefused(start + "\"type\":\"Nuke\"}", "unknown type Nuke");
    }

    private void assertRefused(String text, String reason) {
        Malformed e = assertThrows(Malformed.class, () -> codec.decode(text));
        assertEquals(reason, e.getMessage());
    }
}

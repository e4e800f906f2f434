package io.regent.wire;

import io.regent.protocol.Epoch;
import io.regent.replication.Chunk;
import io.regent.replication.Entry;
import io.regent.replication.Pair;
import io.regent.replication.Position;
import io.regent.replication.StreamMessage;

import java.util.ArrayList;
import java.util.List;

/**
 * The request stream's messages in binary: a type byte, the sender's epoch, the type's fields.
 * Writes and snapshot pairs travel as length-prefixed bytes, never re-encoded as text.
 */
public final class StreamCodec {

    public byte[] encode(StreamMessage m) {
        WireWriter w = new WireWriter(sizeHint(m));
        if (m instanceof StreamMessage.Entries e) {
            w.u8(1).epoch(e.epoch()).position(e.prev()).i64(e.request()).position(e.upTo()).position(e.committed())
                    .i32(e.entries().size());
            for (Entry x : e.entries()) {
                w.i64(x.seq()).epoch(x.epoch()).text(x.command());
            }
        } else if (m instanceof StreamMessage.Ack a) {
            w.u8(2).epoch(a.epoch()).position(a.durable());
        } else if (m instanceof StreamMessage.Fetch f) {
            w.u8(3).epoch(f.epoch()).position(f.after()).i64(f.request()).bool(f.takeover());
        } else if (m instanceof StreamMessage.SnapshotChunk c) {
            w.u8(4).epoch(c.epoch()).position(c.at()).i64(c.request()).position(c.committed()).bool(c.chunk().last())
                    .i32(c.chunk().pairs().size());
            for (Pair p : c.chunk().pairs()) {
                w.bytes(p.key()).bytes(p.value());
            }
        } else if (m instanceof StreamMessage.ChunkRequest c) {
            w.u8(5).epoch(c.epoch()).i64(c.request()).bytes(c.afterKey());
        } else if (m instanceof StreamMessage.SyncQuery q) {
            w.u8(6).epoch(q.epoch());
        } else if (m instanceof StreamMessage.SyncReport r) {
            w.u8(7).epoch(r.epoch()).position(r.applied());
        } else if (m instanceof StreamMessage.Tail t) {
            w.u8(8).epoch(t.epoch()).position(t.tail());
        } else if (m instanceof StreamMessage.Refusal r) {
            w.u8(9).epoch(r.epoch());
        } else if (m instanceof StreamMessage.Heartbeat h) {
            w.u8(10).epoch(h.epoch()).i64(h.round()).position(h.committed());
        } else if (m instanceof StreamMessage.HeartbeatAck a) {
            w.u8(11).epoch(a.epoch()).i64(a.round());
        } else {
            throw new IllegalArgumentException("no encoding for " + m);
        }
        return w.toBytes();
    }

    /** About the encoded size (a lone write's frame is a few hundred bytes, a snapshot chunk up to megabytes). */
    private static int sizeHint(StreamMessage m) {
        long size = 64;
        if (m instanceof StreamMessage.Entries e) {
            for (Entry x : e.entries()) {
                size += 32 + x.command().length();
            }
        } else if (m instanceof StreamMessage.SnapshotChunk c) {
            for (Pair p : c.chunk().pairs()) {
                size += 8 + p.key().length + p.value().length;
            }
        }
        return (int) Math.min(size, Integer.MAX_VALUE - 8);
    }

    public StreamMessage decode(String from, byte[] payload) throws Malformed {
        WireReader r = new WireReader(payload, 0, payload.length);
        int type = r.u8("type");
        Epoch epoch = r.epoch("epoch");
        StreamMessage m = switch (type) {
            case 1 -> entries(from, epoch, r);
            case 2 -> new StreamMessage.Ack(from, epoch, r.position("durable"));
            case 3 -> new StreamMessage.Fetch(from, epoch, r.position("after"), r.i64("request"), r.bool("takeover"));
            case 4 -> chunk(from, epoch, r);
            case 5 -> new StreamMessage.ChunkRequest(from, epoch, r.i64("request"), r.bytes("afterKey"));
            case 6 -> new StreamMessage.SyncQuery(from, epoch);
            case 7 -> new StreamMessage.SyncReport(from, epoch, r.position("applied"));
            case 8 -> new StreamMessage.Tail(from, epoch, r.position("tail"));
            case 9 -> new StreamMessage.Refusal(from, epoch);
            case 10 -> new StreamMessage.Heartbeat(from, epoch, r.i64("round"), r.position("committed"));
            case 11 -> new StreamMessage.HeartbeatAck(from, epoch, r.i64("round"));
            default -> throw new Malformed("unknown stream message type " + type);
        };
        r.end("the message");
        return m;
    }

    private static StreamMessage.Entries entries(String from, Epoch epoch, WireReader r) throws Malformed {
        Position prev = r.position("prev");
        long request = r.i64("request");
        Position upTo = r.position("upTo");
        Position committed = r.position("committed");
        int n = r.count("entries", 24);
        List<Entry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long seq = r.i64("entry seq");
            Epoch e = r.epoch("entry epoch");
            if (seq < 1) {
                throw new Malformed("entry seq must be >= 1");
            }
            entries.add(new Entry(seq, e, r.text("command")));
        }
        return new StreamMessage.Entries(from, epoch, prev, entries, request, upTo, committed);
    }

    private static StreamMessage.SnapshotChunk chunk(String from, Epoch epoch, WireReader r) throws Malformed {
        Position at = r.position("at");
        long request = r.i64("request");
        Position committed = r.position("committed");
        boolean last = r.bool("last");
        int n = r.count("pairs", 8);
        List<Pair> pairs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            pairs.add(new Pair(r.bytes("key"), r.bytes("value")));
        }
        if (!last && pairs.isEmpty()) {
            throw new Malformed("a snapshot chunk that is not the last must hold pairs");
        }
        return new StreamMessage.SnapshotChunk(from, epoch, at, request, new Chunk(pairs, last), committed);
    }
}

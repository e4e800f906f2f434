package io.regent.group;

import io.regent.protocol.Epoch;
import io.regent.replication.Entry;
import io.regent.replication.Position;
import io.regent.replication.StreamMessage;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import java.util.ArrayList;
import java.util.List;

import static io.regent.group.Envelope.JSON;
import static io.regent.group.JsonFields.number;
import static io.regent.group.JsonFields.object;
import static io.regent.group.JsonFields.text;

/**
 * Messages of the request stream in an {@link Envelope}. A position is {@code {"seq":..,
 * "term":..,"index":..}}; a write is {@code [seq, term, index, command]}. Snapshots make these
 * messages large, so the size limit is far above the control topic's.
 */
final class StreamCodec {

    private static final int MAX_CHARS = 256 * 1024 * 1024;

    private final Envelope envelope;

    StreamCodec(String group) {
        this.envelope = new Envelope(group);
    }

    String encode(StreamMessage m) {
        JsonObjectBuilder b = envelope.start(m.getClass().getSimpleName(), m.from(), m.epoch());
        if (m instanceof StreamMessage.Entries e) {
            JsonArrayBuilder entries = JSON.createArrayBuilder();
            for (Entry x : e.entries()) {
                entries.add(JSON.createArrayBuilder().add(x.seq()).add(x.epoch().term()).add(x.epoch().index())
                        .add(x.command()));
            }
            b.add("prev", position(e.prev())).add("entries", entries).add("fill", e.fill());
        } else if (m instanceof StreamMessage.Ack a) {
            b.add("applied", position(a.applied()));
        } else if (m instanceof StreamMessage.Fetch f) {
            b.add("after", position(f.after()));
        } else if (m instanceof StreamMessage.Snapshot s) {
            b.add("at", position(s.at())).add("state", s.state());
        } else if (m instanceof StreamMessage.SyncReport r) {
            b.add("applied", position(r.applied()));
        } else if (m instanceof StreamMessage.Resume r) {
            b.add("tail", position(r.tail()));
        }
        return b.build().toString();
    }

    StreamMessage decode(String text) throws Malformed {
        JsonObject o = envelope.open(text, MAX_CHARS);
        String from = text(o, "from");
        Epoch epoch = Envelope.epoch(o);
        String type = text(o, "type");
        return switch (type) {
            case "Entries" -> new StreamMessage.Entries(from, epoch, position(o, "prev"), entries(o),
                    o.getBoolean("fill", false));
            case "Ack" -> new StreamMessage.Ack(from, epoch, position(o, "applied"));
            case "Fetch" -> new StreamMessage.Fetch(from, epoch, position(o, "after"));
            case "Snapshot" -> new StreamMessage.Snapshot(from, epoch, position(o, "at"), text(o, "state"));
            case "SyncQuery" -> new StreamMessage.SyncQuery(from, epoch);
            case "SyncReport" -> new StreamMessage.SyncReport(from, epoch, position(o, "applied"));
            case "Resume" -> new StreamMessage.Resume(from, epoch, position(o, "tail"));
            case "Refusal" -> new StreamMessage.Refusal(from, epoch);
            default -> throw new Malformed("unknown type " + type);
        };
    }

    private static JsonObjectBuilder position(Position p) {
        return JSON.createObjectBuilder().add("seq", p.seq()).add("term", p.epoch().term()).add("index", p.epoch().index());
    }

    private static Position position(JsonObject o, String field) throws Malformed {
        JsonObject p = object(o, field);
        try {
            return new Position(number(p, "seq"), Envelope.epoch(p));
        } catch (IllegalArgumentException e) {
            throw new Malformed("field " + field + ": " + e.getMessage());
        }
    }

    private static List<Entry> entries(JsonObject o) throws Malformed {
        if (!(o.get("entries") instanceof JsonArray array)) {
            throw new Malformed("field entries must be an array");
        }
        List<Entry> entries = new ArrayList<>(array.size());
        for (JsonValue v : array) {
            if (!(v instanceof JsonArray x) || x.size() != 4 || x.get(3).getValueType() != JsonValue.ValueType.STRING) {
                throw new Malformed("each entry must be [seq, term, index, command]");
            }
            try {
                entries.add(new Entry(x.getJsonNumber(0).longValueExact(),
                        new Epoch(x.getJsonNumber(1).longValueExact(), x.getJsonNumber(2).intValueExact()), x.getString(3)));
            } catch (ClassCastException | ArithmeticException e) {
                throw new Malformed("each entry must be [seq, term, index, command] of whole numbers");
            }
        }
        return entries;
    }
}

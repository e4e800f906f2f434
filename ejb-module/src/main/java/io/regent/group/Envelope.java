package io.regent.group;

import io.regent.protocol.Epoch;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;

/**
 * What every message on Regent's topics carries, as JSON: {@code {"v":1,"group":..,"type":..,
 * "from":..,"term":..,"index":.., ...}}. A message of another version or group is refused.
 */
final class Envelope {

    static final int VERSION = 1;
    static final JsonProvider JSON = JsonProvider.provider();

    private final String group;

    Envelope(String group) {
        this.group = group;
    }

    JsonObjectBuilder start(String type, String from, Epoch epoch) {
        return JSON.createObjectBuilder().add("v", VERSION).add("group", group).add("type", type)
                .add("from", from).add("term", epoch.term()).add("index", epoch.index());
    }

    /** Parses and checks the envelope; the caller reads the type's own fields. */
    JsonObject open(String text, int maxChars) throws Malformed {
        if (text == null || text.length() > maxChars) {
            throw new Malformed("empty or oversized message");
        }
        JsonObject o;
        try {
            o = JSON.createReader(new StringReader(text)).readObject();
        } catch (RuntimeException e) {
            throw new Malformed("not a JSON object");
        }
        if (JsonFields.number(o, "v") != VERSION) {
            throw new Malformed("unsupported version");
        }
        if (!group.equals(JsonFields.text(o, "group"))) {
            throw new Malformed("message of another group");
        }
        return o;
    }

    static Epoch epoch(JsonObject o) throws Malformed {
        return new Epoch(JsonFields.number(o, "term"), (int) JsonFields.number(o, "index"));
    }
}

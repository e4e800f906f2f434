package io.regent.group;

import io.regent.protocol.Epoch;
import io.regent.protocol.Message;
import io.regent.protocol.Role;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import java.io.StringReader;
import java.util.HashMap;
import java.util.Map;

/**
 * Group messages as JSON with a version field: {@code {"v":1,"group":..,"type":..,"from":..,
 * "term":..,"index":.., ...}}. Anything that does not decode to a well-formed message of this
 * group and version is refused with a {@link Malformed} naming the problem.
 */
final class MessageCodec {

    static final int VERSION = 1;
    private static final int MAX_BYTES = 64 * 1024;

    static final class Malformed extends Exception {
        Malformed(String problem) {
            super(problem);
        }
    }

    private final String group;

    MessageCodec(String group) {
        this.group = group;
    }

    String encode(Message m) {
        JsonObjectBuilder b = Json.createObjectBuilder()
                .add("v", VERSION).add("group", group).add("type", m.getClass().getSimpleName())
                .add("from", m.from()).add("term", m.epoch().term()).add("index", m.epoch().index());
        if (m instanceof Message.Inquiry q) {
            b.add("seq", q.seq());
        } else if (m instanceof Message.Reply r) {
            b.add("seq", r.seq());
        } else if (m instanceof Message.Revocation r) {
            b.add("revoked", r.revoked());
        } else if (m instanceof Message.Probe p) {
            b.add("sentAt", p.sentAt());
        } else if (m instanceof Message.ProbeEcho e) {
            b.add("sentAt", e.sentAt());
        } else if (m instanceof Message.Handover h) {
            b.add("target", h.target());
        } else if (m instanceof Message.Announcement a) {
            JsonObjectBuilder delays = Json.createObjectBuilder();
            a.delays().forEach(delays::add);
            b.add("role", a.role().name()).add("address", a.address()).add("delays", delays).add("solicit", a.solicit());
        }
        return b.build().toString();
    }

    Message decode(String text) throws Malformed {
        if (text == null || text.length() > MAX_BYTES) {
            throw new Malformed("empty or oversized message");
        }
        JsonObject o;
        try {
            o = Json.createReader(new StringReader(text)).readObject();
        } catch (RuntimeException e) {
            throw new Malformed("not a JSON object");
        }
        if (number(o, "v") != VERSION) {
            throw new Malformed("unsupported version");
        }
        if (!group.equals(text(o, "group"))) {
            throw new Malformed("message of another group");
        }
        String from = text(o, "from");
        Epoch epoch = new Epoch(number(o, "term"), (int) number(o, "index"));
        String type = text(o, "type");
        return switch (type) {
            case "Inquiry" -> new Message.Inquiry(from, epoch, number(o, "seq"));
            case "Reply" -> new Message.Reply(from, epoch, number(o, "seq"));
            case "Declaration" -> new Message.Declaration(from, epoch);
            case "Revocation" -> new Message.Revocation(from, epoch, text(o, "revoked"));
            case "Probe" -> new Message.Probe(from, epoch, number(o, "sentAt"));
            case "ProbeEcho" -> new Message.ProbeEcho(from, epoch, number(o, "sentAt"));
            case "Handover" -> new Message.Handover(from, epoch, text(o, "target"));
            case "Announcement" -> new Message.Announcement(from, epoch, role(o), text(o, "address"), delays(o),
                    o.getBoolean("solicit", false));
            default -> throw new Malformed("unknown type " + type);
        };
    }

    private static String text(JsonObject o, String field) throws Malformed {
        JsonValue v = o.get(field);
        if (v == null || v.getValueType() != JsonValue.ValueType.STRING) {
            throw new Malformed("field " + field + " must be a string");
        }
        return o.getString(field);
    }

    private static long number(JsonObject o, String field) throws Malformed {
        JsonValue v = o.get(field);
        if (!(v instanceof JsonNumber n) || !n.isIntegral()) {
            throw new Malformed("field " + field + " must be a whole number");
        }
        return n.longValue();
    }

    private static Role role(JsonObject o) throws Malformed {
        try {
            return Role.valueOf(text(o, "role"));
        } catch (IllegalArgumentException e) {
            throw new Malformed("unknown role");
        }
    }

    private static Map<String, Long> delays(JsonObject o) throws Malformed {
        JsonValue v = o.get("delays");
        if (!(v instanceof JsonObject d)) {
            throw new Malformed("field delays must be an object");
        }
        Map<String, Long> delays = new HashMap<>();
        for (String peer : d.keySet()) {
            delays.put(peer, number(d, peer));
        }
        return delays;
    }
}

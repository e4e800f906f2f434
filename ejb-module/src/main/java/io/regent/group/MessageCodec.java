package io.regent.group;

import io.regent.protocol.Epoch;
import io.regent.protocol.Message;
import io.regent.protocol.Role;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import java.util.HashMap;
import java.util.Map;

import static io.regent.group.Envelope.JSON;
import static io.regent.group.JsonFields.number;
import static io.regent.group.JsonFields.text;

/**
 * Group messages of the control topic in an {@link Envelope}. Anything that does not decode to a well-formed message of this
 * group and version is refused with a {@link Malformed} naming the problem.
 */
final class MessageCodec {

    private static final int MAX_CHARS = 64 * 1024;

    private final Envelope envelope;

    MessageCodec(String group) {
        this.envelope = new Envelope(group);
    }

    String encode(Message m) {
        JsonObjectBuilder b = envelope.start(m.getClass().getSimpleName(), m.from(), m.epoch());
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
            JsonObjectBuilder delays = JSON.createObjectBuilder();
            a.delays().forEach(delays::add);
            b.add("role", a.role().name()).add("address", a.address()).add("delays", delays).add("solicit", a.solicit());
        }
        return b.build().toString();
    }

    Message decode(String text) throws Malformed {
        JsonObject o = envelope.open(text, MAX_CHARS);
        String from = text(o, "from");
        Epoch epoch = Envelope.epoch(o);
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

package io.regent.wire;

import io.regent.protocol.Epoch;
import io.regent.protocol.Message;
import io.regent.protocol.Role;

import java.util.HashMap;
import java.util.Map;

/**
 * The control topic's messages in binary: a type byte, the sender's epoch, the type's fields.
 * The sender's id travels in the {@link Frame}, signed with the rest.
 */
public final class ControlCodec {

    private static final Role[] ROLES = Role.values();

    public byte[] encode(Message m) {
        WireWriter w = new WireWriter(64);
        if (m instanceof Message.Inquiry q) {
            w.u8(1).epoch(q.epoch()).i64(q.seq());
        } else if (m instanceof Message.Reply r) {
            w.u8(2).epoch(r.epoch()).i64(r.seq());
        } else if (m instanceof Message.Declaration d) {
            w.u8(3).epoch(d.epoch());
        } else if (m instanceof Message.Revocation r) {
            w.u8(4).epoch(r.epoch()).shortText(r.revoked());
        } else if (m instanceof Message.Probe p) {
            w.u8(5).epoch(p.epoch()).i64(p.sentAt());
        } else if (m instanceof Message.ProbeEcho e) {
            w.u8(6).epoch(e.epoch()).i64(e.sentAt());
        } else if (m instanceof Message.Announcement a) {
            w.u8(7).epoch(a.epoch()).u8(a.role().ordinal()).shortText(a.address()).bool(a.solicit()).i32(a.delays().size());
            a.delays().forEach((peer, ms) -> w.shortText(peer).i64(ms));
            w.i32(a.index()).i64(a.capacity());
        } else if (m instanceof Message.Handover h) {
            w.u8(8).epoch(h.epoch()).shortText(h.target());
        } else if (m instanceof Message.Candidacy c) {
            w.u8(9).epoch(c.epoch());
        } else if (m instanceof Message.Support s) {
            w.u8(10).epoch(s.epoch()).shortText(s.candidate());
        } else {
            throw new IllegalArgumentException("no encoding for " + m);
        }
        return w.toBytes();
    }

    public Message decode(String from, byte[] payload) throws Malformed {
        WireReader r = new WireReader(payload, 0, payload.length);
        int type = r.u8("type");
        Epoch epoch = r.epoch("epoch");
        Message m = switch (type) {
            case 1 -> new Message.Inquiry(from, epoch, r.i64("seq"));
            case 2 -> new Message.Reply(from, epoch, r.i64("seq"));
            case 3 -> new Message.Declaration(from, epoch);
            case 4 -> new Message.Revocation(from, epoch, r.shortText("revoked"));
            case 5 -> new Message.Probe(from, epoch, r.i64("sentAt"));
            case 6 -> new Message.ProbeEcho(from, epoch, r.i64("sentAt"));
            case 7 -> announcement(from, epoch, r);
            case 8 -> new Message.Handover(from, epoch, r.shortText("target"));
            case 9 -> new Message.Candidacy(from, epoch);
            case 10 -> new Message.Support(from, epoch, r.shortText("candidate"));
            default -> throw new Malformed("unknown control message type " + type);
        };
        r.end("the message");
        return m;
    }

    private static Message.Announcement announcement(String from, Epoch epoch, WireReader r) throws Malformed {
        int role = r.u8("role");
        if (role >= ROLES.length) {
            throw new Malformed("unknown role " + role);
        }
        String address = r.shortText("address");
        boolean solicit = r.bool("solicit");
        int n = r.count("delays", 10);
        Map<String, Long> delays = new HashMap<>();
        for (int i = 0; i < n; i++) {
            delays.put(r.shortText("peer"), r.i64("delay"));
        }
        return new Message.Announcement(from, epoch, ROLES[role], address, delays, solicit, r.i32("index"),
                r.i64("capacity"));
    }
}

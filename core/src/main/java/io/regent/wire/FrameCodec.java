package io.regent.wire;

import io.regent.upgrade.Feature;
import io.regent.upgrade.ProtocolVersion;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Seals {@link Frame}s and opens them again (DESIGN.md §4.3, §6, §8.1). Each pair of members
 * shares a key that no third member holds, so a frame carries one tag per recipient: HMAC-SHA256,
 * under the key the sender shares with that recipient, of the SHA-256 of what is signed. A member
 * can therefore not sign as another, even one whose frames it receives.
 * <p>Layout: {@code "RG" version, body (topic, group, from, to, run, counter, sentAt, payload), tag
 * count, (recipient, tag)...}. Version 2 signs the body's digest; version 3 signs the version byte
 * and the body's digest, so a frame's version cannot be rewritten on its way. Every version keeps the magic, the
 * version byte and a body that opens with topic, group and sender, so that a receiver can name
 * the sender of a version it does not open. A frame is believed only once its recipient's tag is
 * right.
 */
public final class FrameCodec {

    private static final int TAG_BYTES = 32;
    private static final Topic[] TOPICS = Topic.values();

    private final String self;
    /** Each member's id and the MAC under the key this server shares with it (itself included). */
    private final Map<String, ThreadLocal<Mac>> macs = new LinkedHashMap<>();
    private final ThreadLocal<MessageDigest> sha256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    });

    /**
     * @param self     this server's id
     * @param pairKeys the key this server shares with each member, its own id included (for the
     *                 frames it hears itself send)
     */
    public FrameCodec(String self, Map<String, byte[]> pairKeys) {
        if (!pairKeys.containsKey(self)) {
            throw new IllegalArgumentException("no key for " + self + " itself");
        }
        this.self = self;
        pairKeys.forEach((member, key) -> {
            SecretKeySpec spec = new SecretKeySpec(key, "HmacSHA256");
            macs.put(member, ThreadLocal.withInitial(() -> {
                try {
                    Mac m = Mac.getInstance("HmacSHA256");
                    m.init(spec);
                    return m;
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("HmacSHA256 is part of every JVM", e);
                }
            }));
        });
    }

    /** The frame, at its version, with a tag for its recipient, or for every member if it is a broadcast. */
    public byte[] seal(Frame f) {
        if (!f.from().equals(self)) {
            throw new IllegalArgumentException("a server seals only its own frames");
        }
        if (!ProtocolVersion.opens(f.version())) {
            throw new IllegalArgumentException("this build writes protocol versions " + ProtocolVersion.range()
                    + ", not " + f.version());
        }
        byte[] body = body(f);
        byte[] digest = signed(f.version(), body, 0, body.length);
        Map<String, ThreadLocal<Mac>> recipients = f.broadcast() ? macs : Map.of(f.to(), mac(f.to()));
        WireWriter w = new WireWriter(body.length + 8 + recipients.size() * (TAG_BYTES + 8))
                .raw(new byte[] {'R', 'G', (byte) f.version()}).bytes(body).u8(recipients.size());
        recipients.forEach((id, mac) -> w.shortText(id).raw(mac.get().doFinal(digest)));
        return w.toBytes();
    }

    /** The frame, if it carries a right tag for this server and parses; what is wrong otherwise. */
    public Frame open(byte[] sealed) throws Malformed {
        WireReader r = new WireReader(sealed, 0, sealed.length);
        if (r.u8("magic") != 'R' || r.u8("magic") != 'G') {
            throw new Malformed("not a Regent frame");
        }
        int version = r.u8("version");
        if (!ProtocolVersion.opens(version)) {
            throw new UnspokenVersion(version, claimedSender(sealed));
        }
        int bodyStart = r.skipBytes("body");
        int bodyEnd = r.position();
        byte[] tag = null;
        int tags = r.u8("tag count");
        for (int i = 0; i < tags; i++) {
            String recipient = r.shortText("recipient");
            byte[] t = r.raw(TAG_BYTES, "tag");
            if (recipient.equals(self)) {
                tag = t;
            }
        }
        r.end("the frame");
        if (tag == null) {
            throw new Malformed("no tag for " + self);
        }
        Frame f = parseBody(version, sealed, bodyStart, bodyEnd);
        ThreadLocal<Mac> mac = macs.get(f.from());
        if (mac == null) {
            throw new Malformed("bad signature"); // no member: no key, and nothing of this frame may stay in the digest
        }
        if (!MessageDigest.isEqual(mac.get().doFinal(signed(version, sealed, bodyStart, bodyEnd - bodyStart)), tag)) {
            throw new Malformed("bad signature");
        }
        return f;
    }

    /**
     * What a tag signs: the body's SHA-256 (32 bytes), preceded from version 3 on by the version
     * (33 bytes). The lengths differ, so no frame of one version can pass for one of the other,
     * whatever its body.
     */
    private byte[] signed(int version, byte[] bytes, int offset, int length) {
        MessageDigest sha = sha256.get();
        sha.update(bytes, offset, length);
        byte[] digest = sha.digest();
        if (!Feature.SIGNED_FRAME_VERSION.on(version)) {
            return digest;
        }
        byte[] withVersion = new byte[digest.length + 1];
        withVersion[0] = (byte) version;
        System.arraycopy(digest, 0, withVersion, 1, digest.length);
        return withVersion;
    }

    /** The sender a frame's body names, read without trusting anything else in it. */
    private static String claimedSender(byte[] sealed) {
        try {
            WireReader r = new WireReader(sealed, 3, sealed.length);
            int bodyStart = r.skipBytes("body");
            WireReader body = new WireReader(sealed, bodyStart, r.position());
            body.u8("topic");
            body.shortText("group");
            return body.shortText("from");
        } catch (Malformed e) {
            return "unknown";
        }
    }

    private ThreadLocal<Mac> mac(String member) {
        ThreadLocal<Mac> mac = macs.get(member);
        if (mac == null) {
            throw new IllegalArgumentException("no key shared with " + member);
        }
        return mac;
    }

    private static byte[] body(Frame f) {
        return new WireWriter(f.payload().length + 96).u8(f.topic().ordinal()).shortText(f.group())
                .shortText(f.from()).shortText(f.to()).i64(f.incarnation()).i64(f.counter()).i64(f.sentAt())
                .bytes(f.payload()).toBytes();
    }

    /** The body's fields; nothing in them is believed before the tag is checked. */
    private static Frame parseBody(int version, byte[] sealed, int start, int end) throws Malformed {
        WireReader r = new WireReader(sealed, start, end);
        int topic = r.u8("topic");
        if (topic >= TOPICS.length) {
            throw new Malformed("unknown topic " + topic);
        }
        Frame f = new Frame(version, TOPICS[topic], r.shortText("group"), r.shortText("from"), r.shortText("to"),
                r.i64("incarnation"), r.i64("counter"), r.i64("sentAt"), r.bytes("payload"));
        r.end("the frame's body");
        return f;
    }
}

package io.regent.wire;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * Seals {@link Frame}s with HMAC-SHA256 and opens them again: {@code "RG" 1, topic, group,
 * from, to, incarnation, counter, sentAt, payload, MAC}. The MAC is checked before anything
 * in the frame is believed; a frame longer than the limit is refused before it is read at all.
 */
public final class FrameCodec {

    private static final byte[] MAGIC = {'R', 'G', 1};
    private static final int MAC_BYTES = 32;
    private static final Topic[] TOPICS = Topic.values();

    private final ThreadLocal<Mac> mac;

    public FrameCodec(byte[] key) {
        SecretKeySpec spec = new SecretKeySpec(key, "HmacSHA256");
        this.mac = ThreadLocal.withInitial(() -> {
            try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(spec);
                return m;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is part of every JVM", e);
            }
        });
    }

    public byte[] seal(Frame f) {
        byte[] body = new WireWriter(f.payload().length + 96).raw(MAGIC).u8(f.topic().ordinal()).shortText(f.group())
                .shortText(f.from()).shortText(f.to()).i64(f.incarnation()).i64(f.counter()).i64(f.sentAt())
                .bytes(f.payload()).toBytes();
        byte[] sealed = new byte[body.length + MAC_BYTES];
        System.arraycopy(body, 0, sealed, 0, body.length);
        Mac m = mac.get();
        m.update(body);
        System.arraycopy(m.doFinal(), 0, sealed, body.length, MAC_BYTES);
        return sealed;
    }

    /** The frame, if its MAC is right and it parses; what is wrong otherwise. */
    public Frame open(byte[] sealed) throws Malformed {
        if (sealed.length < MAGIC.length + MAC_BYTES) {
            throw new Malformed("too short to be a frame");
        }
        int bodyEnd = sealed.length - MAC_BYTES;
        Mac m = mac.get();
        m.update(sealed, 0, bodyEnd);
        byte[] expected = m.doFinal();
        byte[] actual = java.util.Arrays.copyOfRange(sealed, bodyEnd, sealed.length);
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new Malformed("bad signature");
        }
        WireReader r = new WireReader(sealed, 0, bodyEnd);
        for (byte b : MAGIC) {
            if (r.u8("magic") != (b & 0xFF)) {
                throw new Malformed("not a Regent frame of this version");
            }
        }
        int topic = r.u8("topic");
        if (topic >= TOPICS.length) {
            throw new Malformed("unknown topic " + topic);
        }
        Frame f = new Frame(TOPICS[topic], r.shortText("group"), r.shortText("from"), r.shortText("to"),
                r.i64("incarnation"), r.i64("counter"), r.i64("sentAt"), r.bytes("payload"));
        r.end("the frame");
        return f;
    }
}

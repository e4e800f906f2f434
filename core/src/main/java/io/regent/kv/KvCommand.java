package io.regent.kv;

import io.regent.replication.SpaceDigest;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A write to the key-value store as it travels in the request stream, in a compact text form
 * that every server decodes the same way: {@code put <key> <ifVersion|-> <value>},
 * {@code del <key> <ifVersion|->}, or {@code nop}: a barrier that changes nothing and only marks
 * a point in the stream (a linearizable read waits for one to commit). A write a client may
 * retry carries its idempotency key first: {@code once <token> put ...}. Keys and tokens hold
 * no spaces ({@link KeyRules}); the value is the rest of the line, whatever it holds.
 *
 * @param ifVersion null: unconditional; 0: the key must be absent; n: the key must be at version n
 * @param once      the client's idempotency key: the write applies at most once, or null
 */
public record KvCommand(Op op, String key, String value, Long ifVersion, String once) {

    public enum Op { PUT, DELETE, BARRIER }

    private static final String BARRIER = "nop";

    public static KvCommand put(String key, String value, Long ifVersion) {
        return new KvCommand(Op.PUT, key, value, ifVersion, null);
    }

    public static KvCommand delete(String key, Long ifVersion) {
        return new KvCommand(Op.DELETE, key, null, ifVersion, null);
    }

    public static KvCommand barrier() {
        return new KvCommand(Op.BARRIER, null, null, null, null);
    }

    /**
     * A client's idempotency key as the store keeps it: scoped to the user who sent it, so that
     * one user's key never reaches another's write or its answer.
     */
    public static String ownedBy(String user, String token) {
        return token == null ? null : sha256(user, 8) + "/" + token;
    }

    /** What identifies this write apart from its idempotency key: a retry must carry the same. */
    String fingerprint() {
        return sha256(once(null).encode(), 12);
    }

    /** The first {@code bytes} of the SHA-256 of {@code text}, in hex. */
    static String sha256(String text, int bytes) {
        return HexFormat.of().formatHex(SpaceDigest.sha256(text.getBytes(StandardCharsets.UTF_8)), 0, bytes);
    }

    /** The same write, applied at most once for {@code token} (null: as often as it is sent). */
    public KvCommand once(String token) {
        return new KvCommand(op, key, value, ifVersion, token);
    }

    public String encode() {
        if (op == Op.BARRIER) {
            return OncePrefix.join(once, BARRIER);
        }
        String condition = ifVersion == null ? "-" : ifVersion.toString();
        return OncePrefix.join(once, op == Op.PUT ? "put " + key + " " + condition + " " + value : "del " + key + " " + condition);
    }

    /** @throws IllegalArgumentException naming what is wrong */
    public static KvCommand decode(String text) {
        OncePrefix once = OncePrefix.split(text);
        if (once.token() != null) {
            return decode(once.rest()).once(once.token());
        }
        if (text.equals(BARRIER)) {
            return barrier();
        }
        boolean put = text.startsWith("put ");
        if (!put && !text.startsWith("del ")) {
            throw new IllegalArgumentException("op must be put, del or nop");
        }
        int keyEnd = text.indexOf(' ', 4);
        int conditionEnd = keyEnd < 0 ? -1 : text.indexOf(' ', keyEnd + 1);
        if (keyEnd <= 4 || (put && conditionEnd < 0)) {
            throw new IllegalArgumentException("a put needs a key, a condition and a value; a del a key and a condition");
        }
        String key = text.substring(4, keyEnd);
        String condition = put || conditionEnd >= 0 ? text.substring(keyEnd + 1, conditionEnd < 0 ? text.length() : conditionEnd)
                : text.substring(keyEnd + 1);
        if (!put && conditionEnd >= 0) {
            throw new IllegalArgumentException("a del takes no value");
        }
        Long ifVersion = null;
        if (!condition.equals("-")) {
            try {
                ifVersion = Long.parseLong(condition);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("ifVersion must be a whole number >= 0 or -");
            }
            if (ifVersion < 0) {
                throw new IllegalArgumentException("ifVersion must be a whole number >= 0 or -");
            }
        }
        return new KvCommand(put ? Op.PUT : Op.DELETE, key, put ? text.substring(conditionEnd + 1) : null, ifVersion,
                null);
    }
}

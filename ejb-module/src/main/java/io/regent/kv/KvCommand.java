package io.regent.kv;

import jakarta.json.spi.JsonProvider;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.StringReader;

/**
 * A write to the key-value store as it travels in the request stream:
 * {@code {"op":"put","key":..,"value":..,"ifVersion":..}} or {@code {"op":"delete",...}}.
 *
 * @param ifVersion null: unconditional; 0: the key must be absent; n: the key must be at version n
 */
public record KvCommand(Op op, String key, String value, Long ifVersion) {

    /** Looked up once: {@code Json.createX} searches for a provider on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    public enum Op { PUT, DELETE }

    public static KvCommand put(String key, String value, Long ifVersion) {
        return new KvCommand(Op.PUT, key, value, ifVersion);
    }

    public static KvCommand delete(String key, Long ifVersion) {
        return new KvCommand(Op.DELETE, key, null, ifVersion);
    }

    public String encode() {
        JsonObjectBuilder b = JSON.createObjectBuilder().add("op", op.name().toLowerCase()).add("key", key);
        if (value != null) {
            b.add("value", value);
        }
        if (ifVersion != null) {
            b.add("ifVersion", ifVersion);
        }
        return b.build().toString();
    }

    /** @throws IllegalArgumentException naming what is wrong */
    public static KvCommand decode(String text) {
        JsonObject o;
        try {
            o = JSON.createReader(new StringReader(text)).readObject();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a JSON object");
        }
        Op op;
        try {
            op = Op.valueOf(string(o, "op").toUpperCase());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("op must be put or delete");
        }
        String key = string(o, "key");
        String value = string(o, "value");
        if (key == null || (op == Op.PUT) != (value != null)) {
            throw new IllegalArgumentException("a put needs a key and a value, a delete a key only");
        }
        JsonValue v = o.get("ifVersion");
        Long ifVersion = null;
        if (v != null) {
            if (!(v instanceof JsonNumber n) || !n.isIntegral() || n.longValue() < 0) {
                throw new IllegalArgumentException("ifVersion must be a whole number >= 0");
            }
            ifVersion = n.longValue();
        }
        return new KvCommand(op, key, value, ifVersion);
    }

    private static String string(JsonObject o, String field) {
        JsonValue v = o.get(field);
        return v instanceof JsonString s ? s.getString() : null;
    }
}

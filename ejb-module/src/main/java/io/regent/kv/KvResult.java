package io.regent.kv;

import jakarta.json.spi.JsonProvider;
import jakarta.json.JsonObject;

import java.io.StringReader;

/**
 * What a write did, as every server computes it: the client is told the master's.
 *
 * @param version the key's version after the write (written), before it (deleted, conflict), or 0
 */
public record KvResult(Outcome outcome, String key, long version) {

    /** Looked up once: {@code Json.createX} searches for a provider on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    public enum Outcome {
        /** Created (version 1) or replaced the value. */
        WRITTEN,
        /** Removed the key. */
        DELETED,
        /** The compare-and-set found another version; nothing changed. */
        CONFLICT,
        /** Delete of a key that does not exist; nothing changed. */
        ABSENT,
        /** A command no server can apply; nothing changed. */
        INVALID
    }

    public String encode() {
        return JSON.createObjectBuilder().add("outcome", outcome.name()).add("key", key == null ? "" : key)
                .add("version", version).build().toString();
    }

    public static KvResult decode(String text) {
        JsonObject o = JSON.createReader(new StringReader(text)).readObject();
        return new KvResult(Outcome.valueOf(o.getString("outcome")), o.getString("key"),
                o.getJsonNumber("version").longValue());
    }
}

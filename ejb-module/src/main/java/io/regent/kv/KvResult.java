package io.regent.kv;

/**
 * What a write did, as every server computes it: the client is told the master's. Encoded as
 * {@code OUTCOME version key} (the key last: it may hold spaces only if a future rule allows).
 *
 * @param version the key's version after the write (written), before it (deleted, conflict), or 0
 */
public record KvResult(Outcome outcome, String key, long version) {

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
        INVALID,
        /** A barrier passed; nothing changed. */
        PASSED
    }

    public String encode() {
        return outcome.name() + " " + version + " " + (key == null ? "" : key);
    }

    public static KvResult decode(String text) {
        int a = text.indexOf(' ');
        int b = text.indexOf(' ', a + 1);
        return new KvResult(Outcome.valueOf(text.substring(0, a)), text.substring(b + 1),
                Long.parseLong(text.substring(a + 1, b)));
    }
}

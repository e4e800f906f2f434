package io.regent.kv;

/**
 * What a write did, as every server computes it: the client is told the master's. Encoded as
 * {@code OUTCOME version key} (the key last: it may hold spaces only if a future rule allows),
 * after {@code AGAIN } for a retry answered with its first result. An answer without a key (a
 * barrier's, an invalid command's) has an empty one in text.
 *
 * @param version  the key's version after the write (written), before it (deleted, conflict), or 0
 * @param repeated a retry of a write already applied (same idempotency key): this time nothing changed
 */
public record KvResult(Outcome outcome, String key, long version, boolean repeated) {

    private static final String AGAIN = "AGAIN ";

    public KvResult(Outcome outcome, String key, long version) {
        this(outcome, key, version, false);
    }

    /** Whether the write changed the store: a watch reports it. */
    public boolean changed() {
        return !repeated && (outcome == Outcome.WRITTEN || outcome == Outcome.DELETED);
    }

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
        PASSED,
        /** The idempotency key was already used by this user for another write; nothing changed. */
        REUSED
    }

    public String encode() {
        return (repeated ? AGAIN : "") + outcome.name() + " " + version + " " + (key == null ? "" : key);
    }

    public static KvResult decode(String text) {
        if (text.startsWith(AGAIN)) {
            KvResult first = decode(text.substring(AGAIN.length()));
            return new KvResult(first.outcome, first.key, first.version, true);
        }
        int a = text.indexOf(' ');
        int b = text.indexOf(' ', a + 1);
        String key = text.substring(b + 1);
        return new KvResult(Outcome.valueOf(text.substring(0, a)), key.isEmpty() ? null : key,
                Long.parseLong(text.substring(a + 1, b)));
    }
}

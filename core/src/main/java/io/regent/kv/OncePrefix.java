package io.regent.kv;

/**
 * The idempotency key a write or a transaction may carry in front of its text form:
 * {@code once <token> <the write>}. One parser for both forms, so they cannot drift apart.
 *
 * @param token the key, or null if the text carries none
 * @param rest  the write's own text form
 */
record OncePrefix(String token, String rest) {

    private static final String ONCE = "once ";

    /** @throws IllegalArgumentException if a prefix is there but no write follows its key */
    static OncePrefix split(String text) {
        int at = restStart(text);
        if (at < 0) {
            throw new IllegalArgumentException("an idempotency key must be followed by the write");
        }
        return at == 0 ? new OncePrefix(null, text) : new OncePrefix(text.substring(ONCE.length(), at - 1), text.substring(at));
    }

    /** Where the write's own form starts in {@code text}: 0 without a prefix, -1 if one is there but malformed. */
    static int restStart(String text) {
        if (!text.startsWith(ONCE)) {
            return 0;
        }
        int end = text.indexOf(' ', ONCE.length());
        return end <= ONCE.length() ? -1 : end + 1;
    }

    /** {@code text} with {@code token} in front, or as it is if the token is null. */
    static String join(String token, String text) {
        return token == null ? text : ONCE + token + " " + text;
    }
}

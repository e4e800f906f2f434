package io.regent.kv;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * What the store accepts from clients, checked before a write is sequenced so that nothing
 * invalid ever reaches the stream. Keys: 1-256 characters of letters, digits and {@code . _ - : ~}.
 */
public record KeyRules(int maxValueBytes) {

    public static final int MAX_KEY_LENGTH = 256;
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._:~-]{1," + MAX_KEY_LENGTH + "}");
    public static final int MAX_TOKEN_LENGTH = 64;
    private static final Pattern ONCE = Pattern.compile("[A-Za-z0-9._:~-]{1," + MAX_TOKEN_LENGTH + "}");

    /** @return the problem with {@code key}, or null if it is fine */
    public String keyProblem(String key) {
        if (key == null || !KEY.matcher(key).matches()) {
            return "key must be 1-" + MAX_KEY_LENGTH + " characters of A-Z a-z 0-9 . _ - : ~";
        }
        return null;
    }

    /** @return the problem with an idempotency key, or null if it is fine (or absent) */
    public String idempotencyKeyProblem(String token) {
        if (token != null && !ONCE.matcher(token).matches()) {
            return "Idempotency-Key must be 1-" + MAX_TOKEN_LENGTH + " characters of A-Z a-z 0-9 . _ - : ~";
        }
        return null;
    }

    /** @return the problem with {@code value}, or null if it is fine */
    public String valueProblem(String value) {
        if (value == null) {
            return "body must be a JSON object with a string field \"value\"";
        }
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxValueBytes) {
            return "value is " + bytes + " bytes; at most " + maxValueBytes + " are allowed (regent.kv.max-value-bytes)";
        }
        return null;
    }
}

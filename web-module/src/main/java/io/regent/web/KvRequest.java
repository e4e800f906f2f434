package io.regent.web;

import io.regent.kv.KeyRules;
import io.regent.kv.KvTxn;
import io.regent.protocol.Epoch;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what a client sends to the key-value API, with an error that names the problem:
 * the body {@code {"value":"..."}}, a transaction's, and the compare-and-set headers ({@code If-Match: "3"} for
 * "only if at version 3", {@code If-None-Match: *} for "only if absent").
 */
final class KvRequest {

    /** A client mistake: the status to answer with and what was wrong. */
    static final class Invalid extends Exception {
        final int status;

        Invalid(int status, String problem) {
            super(problem);
            this.status = status;
        }
    }

    private static final JsonProvider JSON = JsonProvider.provider();
    private static final Pattern VERSION = Pattern.compile("\\s*(?:W/)?\"?(\\d{1,18})\"?\\s*");
    private static final Pattern EPOCH = Pattern.compile("\\s*(\\d{1,15})\\.(\\d{1,9})\\s*");

    private KvRequest() {
    }

    /** The value of a PUT body; the body is read only up to what a value may take. */
    static String value(InputStream body, int maxValueBytes) throws Invalid, IOException {
        JsonObject o = object(body, maxValueBytes, "a value of " + maxValueBytes + " bytes can be (regent.kv.max-value-bytes)",
                "{\"value\":\"...\"}");
        if (!(o.get("value") instanceof JsonString s)) {
            throw new Invalid(400, "body must have a string field \"value\"");
        }
        return s.getString();
    }

    /**
     * A transaction's body: {@code {"compare":[...],"success":[...],"failure":[...]}}, each compare
     * {@code {"key","version"}}, {@code {"key","value"}} or {@code {"key","exists"}}, each write
     * {@code {"op":"put","key","value"}} or {@code {"op":"delete","key"}}; every key and value
     * checked by {@code rules}, at most {@code maxOperations} in each list (413 past it), and the
     * body read only up to what {@code maxBytes} of writes can take.
     */
    static KvTxn txn(InputStream body, KeyRules rules, int maxOperations, long maxBytes) throws Invalid, IOException {
        JsonObject o = object(body, maxBytes, "a transaction of " + maxBytes + " bytes can be (regent.message.max-bytes)",
                "{\"compare\":[...],\"success\":[...],\"failure\":[...]}");
        only(o, "a transaction", List.of("compare", "success", "failure"));
        List<KvTxn.Compare> compare = new ArrayList<>();
        for (JsonObject c : list(o, "compare", maxOperations)) {
            compare.add(compare(c, rules));
        }
        List<KvTxn.Write> success = new ArrayList<>();
        for (JsonObject w : list(o, "success", maxOperations)) {
            success.add(write(w, rules));
        }
        List<KvTxn.Write> failure = new ArrayList<>();
        for (JsonObject w : list(o, "failure", maxOperations)) {
            failure.add(write(w, rules));
        }
        KvTxn txn = new KvTxn(compare, success, failure, null);
        if (txn.problem() != null) {
            throw new Invalid(400, txn.problem());
        }
        if (txn.encode().getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            throw new Invalid(413, "the transaction is larger than " + maxBytes + " bytes (regent.message.max-bytes)");
        }
        return txn;
    }

    /**
     * The body as a JSON object, read only up to what {@code maxBytes} of content can take once
     * escaped: 413 past it ("body is larger than {@code tooLarge}"), 400 if it is not an object
     * ("like {@code example}").
     */
    private static JsonObject object(InputStream body, long maxBytes, String tooLarge, String example)
            throws Invalid, IOException {
        // JSON escapes take up to 6 characters per byte of content, plus the envelope
        long limit = 6L * maxBytes + 1_024;
        byte[] read = readUpTo(body, limit + 1);
        if (read.length > limit) {
            throw new Invalid(413, "body is larger than " + tooLarge);
        }
        // closed, so the parser's buffer goes back to the provider's pool instead of to the collector
        try (JsonReader reader = JSON.createReader(new StringReader(new String(read, StandardCharsets.UTF_8)))) {
            return reader.readObject();
        } catch (RuntimeException e) {
            throw new Invalid(400, "body must be a JSON object like " + example);
        }
    }

    private static List<JsonObject> list(JsonObject o, String field, int max) throws Invalid {
        JsonValue v = o.get(field);
        if (v == null || v == JsonValue.NULL) {
            return List.of();
        }
        if (!(v instanceof JsonArray a)) {
            throw new Invalid(400, "\"" + field + "\" must be an array");
        }
        if (a.size() > max) {
            throw new Invalid(413, "\"" + field + "\" has " + a.size() + " entries; at most " + max
                    + " are allowed (regent.kv.txn.max-operations)");
        }
        List<JsonObject> items = new ArrayList<>();
        for (JsonValue item : a) {
            if (!(item instanceof JsonObject io)) {
                throw new Invalid(400, "each entry of \"" + field + "\" must be an object");
            }
            items.add(io);
        }
        return items;
    }

    private static String key(JsonObject o, KeyRules rules) throws Invalid {
        String key = o.get("key") instanceof JsonString s ? s.getString() : null;
        String problem = rules.keyProblem(key);
        if (problem != null) {
            throw new Invalid(400, problem);
        }
        return key;
    }

    /** 400 naming the first field of {@code o} that is not one of {@code allowed}. */
    private static void only(JsonObject o, String what, List<String> allowed) throws Invalid {
        for (String field : o.keySet()) {
            if (!allowed.contains(field)) {
                throw new Invalid(400, what + " has " + String.join(", ", allowed) + ", not \"" + field + "\"");
            }
        }
    }

    private static KvTxn.Compare compare(JsonObject c, KeyRules rules) throws Invalid {
        only(c, "a compare", List.of("key", "version", "value", "exists"));
        String key = key(c, rules);
        JsonValue version = c.get("version");
        JsonValue value = c.get("value");
        JsonValue exists = c.get("exists");
        if ((version != null ? 1 : 0) + (value != null ? 1 : 0) + (exists != null ? 1 : 0) != 1) {
            throw new Invalid(400, "a compare of " + key + " has exactly one of \"version\", \"value\" or \"exists\"");
        }
        if (version != null) {
            long v;
            try {
                v = version instanceof JsonNumber n ? n.longValueExact() : -1;
            } catch (ArithmeticException e) {
                v = -1;
            }
            if (v < 0) {
                throw new Invalid(400, "\"version\" must be a whole number >= 0 (0: absent)");
            }
            return new KvTxn.VersionIs(key, v);
        }
        if (value != null) {
            if (!(value instanceof JsonString s)) {
                throw new Invalid(400, "\"value\" must be a string");
            }
            return new KvTxn.ValueIs(key, s.getString());
        }
        if (exists != JsonValue.TRUE && exists != JsonValue.FALSE) {
            throw new Invalid(400, "\"exists\" must be true or false");
        }
        return new KvTxn.Exists(key, exists == JsonValue.TRUE);
    }

    private static KvTxn.Write write(JsonObject w, KeyRules rules) throws Invalid {
        only(w, "a write", List.of("op", "key", "value"));
        String op = w.get("op") instanceof JsonString s ? s.getString() : null;
        String key = key(w, rules);
        if ("delete".equals(op)) {
            if (w.containsKey("value")) {
                throw new Invalid(400, "a delete of " + key + " takes no value");
            }
            return new KvTxn.Write(key, null);
        }
        if (!"put".equals(op)) {
            throw new Invalid(400, "each write has \"op\": \"put\" or \"delete\"");
        }
        String value = w.get("value") instanceof JsonString s ? s.getString() : null;
        if (value == null) {
            throw new Invalid(400, "a put of " + key + " needs a string \"value\"");
        }
        String problem = rules.valueProblem(value);
        if (problem != null) {
            throw new Invalid(413, problem + " (key " + key + ")");
        }
        return new KvTxn.Write(key, value);
    }

    /**
     * The answer to a write, {key,version,epoch}, as JSON text: written here rather than by
     * JSON-B or a JSON-P writer, which cost a write's answer more than the rest of its response
     * on a busy master (a writer takes an 8 KB buffer); JSON-P still quotes and escapes the strings.
     */
    static String written(String key, long version, String epoch) {
        return "{\"key\":" + JSON.createValue(key) + ",\"version\":" + version + ",\"epoch\":"
                + JSON.createValue(epoch) + "}";
    }

    /**
     * The version a write requires: null for none, 0 for "absent", n for "at version n".
     */
    static Long requiredVersion(String ifMatch, String ifNoneMatch) throws Invalid {
        if (ifMatch != null && ifNoneMatch != null) {
            throw new Invalid(400, "send If-Match or If-None-Match, not both");
        }
        if (ifNoneMatch != null) {
            if (!ifNoneMatch.trim().equals("*")) {
                throw new Invalid(400, "If-None-Match supports only * (write only if the key is absent)");
            }
            return 0L;
        }
        if (ifMatch == null) {
            return null;
        }
        Matcher m = VERSION.matcher(ifMatch);
        if (!m.matches()) {
            throw new Invalid(400, "If-Match must be a version such as \"3\", got " + ifMatch);
        }
        return Long.parseLong(m.group(1));
    }

    /** The mastership a write requires ({@code If-Regent-Epoch: term.index}), or null for none. */
    static Epoch requiredEpoch(String header) throws Invalid {
        if (header == null) {
            return null;
        }
        Matcher m = EPOCH.matcher(header);
        if (!m.matches()) {
            throw new Invalid(400, "If-Regent-Epoch must be an epoch such as 7.2 (a Regent-Epoch), got " + header);
        }
        return new Epoch(Long.parseLong(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /** Reads up to {@code max} bytes into a buffer that grows from the size of a small body. */
    private static byte[] readUpTo(InputStream in, long max) throws IOException {
        if (in == null) {
            return new byte[0];
        }
        byte[] buffer = new byte[(int) Math.min(max, 256)];
        int length = 0;
        while (length < max) {
            if (length == buffer.length) {
                buffer = Arrays.copyOf(buffer, (int) Math.min(max, 2L * buffer.length));
            }
            int n = in.read(buffer, length, buffer.length - length);
            if (n <= 0) {
                break;
            }
            length += n;
        }
        return Arrays.copyOf(buffer, length);
    }
}

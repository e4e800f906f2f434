package io.regent.web;

import io.regent.protocol.Epoch;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.spi.JsonProvider;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what a client sends to the key-value API, with an error that names the problem:
 * the body {@code {"value":"..."}} and the compare-and-set headers ({@code If-Match: "3"} for
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
        // JSON escapes take up to 6 characters per byte of value, plus the envelope
        long limit = 6L * maxValueBytes + 1_024;
        byte[] read = readUpTo(body, limit + 1);
        if (read.length > limit) {
            throw new Invalid(413, "body is larger than a value of " + maxValueBytes
                    + " bytes can be (regent.kv.max-value-bytes)");
        }
        JsonObject o;
        // closed, so the parser's buffer goes back to the provider's pool instead of to the collector
        try (JsonReader reader = JSON.createReader(new StringReader(new String(read, StandardCharsets.UTF_8)))) {
            o = reader.readObject();
        } catch (RuntimeException e) {
            throw new Invalid(400, "body must be a JSON object like {\"value\":\"...\"}");
        }
        if (!(o.get("value") instanceof JsonString s)) {
            throw new Invalid(400, "body must have a string field \"value\"");
        }
        return s.getString();
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

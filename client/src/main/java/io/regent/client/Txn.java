package io.regent.client;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * A transaction for {@link RegentClient#txn}: compares, then the writes that apply if all of them
 * hold, and those that apply otherwise, as one write on the server.
 *
 * <pre>{@code
 * Txn move = Txn.create().ifVersion("from", 3).ifAbsent("to")
 *         .thenPut("to", value).thenDelete("from")
 *         .elsePut("conflicts:" + id, value);
 * }</pre>
 *
 * Each method returns this transaction; not thread-safe while it is built.
 */
public final class Txn {

    private final List<JsonObject> compare = new ArrayList<>();
    private final List<JsonObject> success = new ArrayList<>();
    private final List<JsonObject> failure = new ArrayList<>();

    private Txn() {
    }

    public static Txn create() {
        return new Txn();
    }

    /** Holds if {@code key} is at {@code version} (0: absent). */
    public Txn ifVersion(String key, long version) {
        compare.add(Json.createObjectBuilder().add("key", key).add("version", version).build());
        return this;
    }

    /** Holds if {@code key} holds {@code value}. */
    public Txn ifValue(String key, String value) {
        compare.add(Json.createObjectBuilder().add("key", key).add("value", value).build());
        return this;
    }

    public Txn ifExists(String key) {
        compare.add(Json.createObjectBuilder().add("key", key).add("exists", true).build());
        return this;
    }

    public Txn ifAbsent(String key) {
        compare.add(Json.createObjectBuilder().add("key", key).add("exists", false).build());
        return this;
    }

    public Txn thenPut(String key, String value) {
        success.add(put(key, value));
        return this;
    }

    public Txn thenDelete(String key) {
        success.add(delete(key));
        return this;
    }

    public Txn elsePut(String key, String value) {
        failure.add(put(key, value));
        return this;
    }

    public Txn elseDelete(String key) {
        failure.add(delete(key));
        return this;
    }

    private static JsonObject put(String key, String value) {
        return Json.createObjectBuilder().add("op", "put").add("key", key).add("value", value).build();
    }

    private static JsonObject delete(String key) {
        return Json.createObjectBuilder().add("op", "delete").add("key", key).build();
    }

    /** The request body, {@code {"compare","success","failure"}}. */
    String body() {
        return Json.createObjectBuilder().add("compare", array(compare)).add("success", array(success))
                .add("failure", array(failure)).build().toString();
    }

    private static JsonArrayBuilder array(List<JsonObject> items) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        items.forEach(a::add);
        return a;
    }
}

package io.regent.group;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/** Typed reads of a decoded message's fields that name the field on every failure. */
final class JsonFields {

    private JsonFields() {
    }

    static String text(JsonObject o, String field) throws Malformed {
        JsonValue v = o.get(field);
        if (v == null || v.getValueType() != JsonValue.ValueType.STRING) {
            throw new Malformed("field " + field + " must be a string");
        }
        return o.getString(field);
    }

    static long number(JsonObject o, String field) throws Malformed {
        JsonValue v = o.get(field);
        if (!(v instanceof JsonNumber n) || !n.isIntegral()) {
            throw new Malformed("field " + field + " must be a whole number");
        }
        return n.longValue();
    }

    static JsonObject object(JsonObject o, String field) throws Malformed {
        if (!(o.get(field) instanceof JsonObject inner)) {
            throw new Malformed("field " + field + " must be an object");
        }
        return inner;
    }
}

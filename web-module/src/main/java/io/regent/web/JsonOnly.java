package io.regent.web;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Map;

/**
 * The check a state-changing POST makes before anything else: only a JSON request is taken. A
 * browser cannot send one cross-site without the CORS preflight Regent never grants, so a page
 * elsewhere cannot make a user's browser post with the credentials it holds.
 */
final class JsonOnly {

    private JsonOnly() {
    }

    /** 415 naming the header, or null if {@code contentType} is JSON. */
    static Response refusal(String contentType) {
        return isJson(contentType) ? null : Problem.of(Response.Status.UNSUPPORTED_MEDIA_TYPE,
                "send Content-Type: application/json", Map.of("field", "Content-Type"));
    }

    private static boolean isJson(String contentType) {
        try {
            return contentType != null && MediaType.APPLICATION_JSON_TYPE.isCompatible(MediaType.valueOf(contentType));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}

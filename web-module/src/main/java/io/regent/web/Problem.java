package io.regent.web;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.LinkedHashMap;
import java.util.Map;

/** A JSON error body: {@code {"status":409,"error":"...", ...details}}. */
final class Problem {

    /** WebDAV's Insufficient Storage: the store's quota would be passed (no {@link Response.Status} for it). */
    static final int INSUFFICIENT_STORAGE = 507;

    private Problem() {
    }

    /** The body's shape, for the OpenAPI document: details vary with the error (field, key, master, ...). */
    @Schema(name = "Problem", description = "An error: the HTTP status, what went wrong, and details naming the "
            + "field, key or limit concerned (field, key, master, masterUrl, inDoubt, seq, min-seq, appliedSeq, ...)")
    public record Body(@Schema(example = "409") int status,
            @Schema(example = "this server is not the master; ask the master") String error) { }

    static Response of(Response.Status status, String error, Map<String, ?> details) {
        return of(status.getStatusCode(), error, details);
    }

    /** 503 with {@code Retry-After: 1}: the condition is passing (no master yet, a full queue, too many streams). */
    static Response retryShortly(String error, Map<String, ?> details) {
        return Response.fromResponse(of(Response.Status.SERVICE_UNAVAILABLE, error, details)).header("Retry-After", 1).build();
    }

    /**
     * 307 to {@code target}, with a body like every other answer that is not 2xx: a client that
     * does not follow redirects still reads where to go, and why.
     */
    static Response redirect(java.net.URI target, String error, Map<String, ?> details) {
        return Response.fromResponse(of(Response.Status.TEMPORARY_REDIRECT, error, details)).location(target).build();
    }

    /** 503: too many streams are open on this server. */
    static Response tooManyStreams() {
        return retryShortly("too many streams are open on this server", Map.of());
    }

    static Response of(int status, String error, Map<String, ?> details) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("error", error);
        body.putAll(details);
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body).build();
    }
}

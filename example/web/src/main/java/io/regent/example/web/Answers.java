package io.regent.example.web;

import io.regent.api.NotMasterException;
import io.regent.api.ReplicationException;
import jakarta.json.Json;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.concurrent.CompletionException;

/**
 * What a failed proposal or read means to an HTTP client: on a backup, 307 to the master; the
 * group unable to answer now, 503 (saying whether the command may have been applied); a bad
 * request, 400. Every error has a JSON body naming the problem.
 */
final class Answers {

    private Answers() {
    }

    /** The request's path and query, as a redirect to the master repeats them. */
    static String pathAndQuery(jakarta.ws.rs.core.UriInfo uri) {
        String query = uri.getRequestUri().getRawQuery();
        return uri.getRequestUri().getRawPath() + (query == null ? "" : "?" + query);
    }

    static Response failure(Throwable failure, String path) {
        Throwable f = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (f instanceof NotMasterException n) {
            if (n.masterUrl() == null || n.masterUrl().isEmpty()) {
                return problem(Response.Status.SERVICE_UNAVAILABLE, n.getMessage(), false);
            }
            URI master = URI.create(n.masterUrl() + path);
            return Response.temporaryRedirect(master).entity(body(n.getMessage(), false).toString())
                    .type(MediaType.APPLICATION_JSON).build();
        }
        if (f instanceof ReplicationException r) {
            return problem(r.kind() == ReplicationException.Kind.FENCED ? Response.Status.CONFLICT
                    : Response.Status.SERVICE_UNAVAILABLE, r.getMessage(), r.inDoubt());
        }
        if (f instanceof IllegalArgumentException) {
            return problem(Response.Status.BAD_REQUEST, f.getMessage(), false);
        }
        return problem(Response.Status.INTERNAL_SERVER_ERROR, String.valueOf(f), false);
    }

    static Response problem(Response.Status status, String error, boolean inDoubt) {
        Response.ResponseBuilder r = Response.status(status).entity(body(error, inDoubt).toString())
                .type(MediaType.APPLICATION_JSON);
        return status == Response.Status.SERVICE_UNAVAILABLE ? r.header("Retry-After", 1).build() : r.build();
    }

    private static jakarta.json.JsonObject body(String error, boolean inDoubt) {
        return Json.createObjectBuilder().add("error", error).add("inDoubt", inDoubt).build();
    }
}

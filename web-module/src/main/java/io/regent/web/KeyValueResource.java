package io.regent.web;

import io.regent.kv.KeyRules;
import io.regent.kv.KeyValueStore;
import io.regent.kv.KvCommand;
import io.regent.kv.KvResult;
import jakarta.inject.Inject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The replicated key-value store: {@code PUT/GET/DELETE /api/kv/{key}}, compare-and-set with
 * {@code If-Match} / {@code If-None-Match}, and {@code GET /api/kv?prefix=&after=&limit=} to page
 * through keys in order. Writes go to the master (see {@link ReplicatedWrites}); reads answer
 * from this server's copy, current on the master, and say where that copy stands.
 */
@Path("/kv")
@Produces(MediaType.APPLICATION_JSON)
@ApplicationScoped
public class KeyValueResource {

    public static final String APPLIED = "Regent-Applied";
    private static final int MAX_PAGE = 1_000;

    @Inject
    private ThisServer group;

    @Inject
    private ReplicatedWrites writes;

    @Inject
    private ReadConsistency consistency;

    @Context
    private UriInfo uri;

    @GET
    public void list(@QueryParam("prefix") @DefaultValue("") String prefix, @QueryParam("after") String after,
            @QueryParam("limit") @DefaultValue("100") String limitText, @QueryParam("consistency") String level,
            @QueryParam("min-seq") String minSeq, @Suspended AsyncResponse response) {
        consistency.answer(level, minSeq, uri.getRequestUri(), () -> list(prefix, after, limitText), response);
    }

    private Response list(String prefix, String after, String limitText) {
        int limit;
        try {
            limit = Integer.parseInt(limitText);
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > MAX_PAGE) {
            return Problem.of(Response.Status.BAD_REQUEST, "limit must be a whole number from 1 to " + MAX_PAGE,
                    Map.of("field", "limit"));
        }
        String applied = group.get().applied().toString();
        List<KeyValueStore.Item> page = group.get().list(prefix, after, limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page);
        body.put("next", page.size() == limit ? page.get(page.size() - 1).key() : null);
        return Response.ok(body).header(APPLIED, applied).build();
    }

    @GET
    @Path("{key: .+}")
    public void get(@PathParam("key") String key, @QueryParam("consistency") String level,
            @QueryParam("min-seq") String minSeq, @Suspended AsyncResponse response) {
        consistency.answer(level, minSeq, uri.getRequestUri(), () -> get(key), response);
    }

    private Response get(String key) {
        Response bad = badKey(key);
        if (bad != null) {
            return bad;
        }
        String applied = group.get().applied().toString();
        return group.get().get(key)
                .map(item -> Response.ok(item).tag(new EntityTag(Long.toString(item.version()))))
                .orElseGet(() -> Response.fromResponse(Problem.of(Response.Status.NOT_FOUND, "no such key",
                        Map.of("key", key))))
                .header(APPLIED, applied).build();
    }

    /**
     * Writes answer through {@link AsyncResponse}, resumed when the write commits: no request
     * thread waits for the acknowledgements (a returned CompletionStage would also do, but costs
     * RESTEasy a JNDI lookup of an executor per request).
     */
    @PUT
    @Path("{key: .+}")
    @Consumes(MediaType.WILDCARD)
    public void put(@PathParam("key") String key, @HeaderParam("If-Match") String ifMatch,
            @HeaderParam("If-None-Match") String ifNoneMatch, InputStream body, @Suspended AsyncResponse response)
            throws IOException {
        Response bad = badKey(key);
        if (bad != null) {
            response.resume(bad);
            return;
        }
        KeyRules rules = rules();
        KvCommand command;
        try {
            String value = KvRequest.value(body, rules.maxValueBytes());
            String problem = rules.valueProblem(value);
            if (problem != null) {
                response.resume(Problem.of(Response.Status.REQUEST_ENTITY_TOO_LARGE, problem, Map.of("key", key)));
                return;
            }
            command = KvCommand.put(key, value, KvRequest.requiredVersion(ifMatch, ifNoneMatch));
        } catch (KvRequest.Invalid e) {
            response.resume(invalid(key, e));
            return;
        }
        writes.submit(command, uri.getRequestUri(), this::answer).thenAccept(response::resume);
    }

    @DELETE
    @Path("{key: .+}")
    public void delete(@PathParam("key") String key, @HeaderParam("If-Match") String ifMatch,
            @Suspended AsyncResponse response) {
        Response bad = badKey(key);
        if (bad != null) {
            response.resume(bad);
            return;
        }
        try {
            writes.submit(KvCommand.delete(key, KvRequest.requiredVersion(ifMatch, null)), uri.getRequestUri(), this::answer)
                    .thenAccept(response::resume);
        } catch (KvRequest.Invalid e) {
            response.resume(invalid(key, e));
        }
    }

    private Response.ResponseBuilder answer(KvResult r) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("key", r.key());
        body.put("version", r.version());
        body.put("epoch", group.get().epoch().toString());
        return switch (r.outcome()) {
            case WRITTEN -> Response.status(r.version() == 1 ? Response.Status.CREATED : Response.Status.OK)
                    .entity(body).tag(new EntityTag(Long.toString(r.version())));
            case DELETED -> Response.ok(body);
            case CONFLICT -> Response.fromResponse(Problem.of(Response.Status.PRECONDITION_FAILED,
                    "the key is at another version; nothing was written",
                    Map.of("key", r.key(), "currentVersion", r.version())));
            case ABSENT -> Response.fromResponse(Problem.of(Response.Status.NOT_FOUND, "no such key",
                    Map.of("key", r.key())));
            case INVALID, PASSED -> Response.fromResponse(Problem.of(Response.Status.BAD_REQUEST,
                    "the write is not valid", Map.of()));
        };
    }

    private static Response invalid(String key, KvRequest.Invalid e) {
        return Problem.of(Response.Status.fromStatusCode(e.status), e.getMessage(), Map.of("key", key));
    }

    private Response badKey(String key) {
        String problem = rules().keyProblem(key);
        return problem == null ? null : Problem.of(Response.Status.BAD_REQUEST, problem, Map.of("field", "key"));
    }

    private KeyRules rules() {
        return new KeyRules(group.get().settings().limits().maxValueBytes());
    }
}

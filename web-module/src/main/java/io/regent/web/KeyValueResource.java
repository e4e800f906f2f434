package io.regent.web;

import io.regent.kv.KeyRules;
import io.regent.kv.KeyValueStore;
import io.regent.replication.CommittedView;
import io.regent.kv.KvCommand;
import io.regent.protocol.Epoch;
import io.regent.kv.KvResult;
import io.regent.kv.KvTxn;
import io.regent.kv.KvTxnResult;
import io.regent.host.RegentSettings;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.inject.Inject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import io.regent.host.NotOpenReason;
import io.regent.watch.Watches;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
    /** A client's key for one logical write: with it, retries apply at most once. */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** The mastership a write requires: a fencing token (an application's {@code Mastership.epoch()}). */
    public static final String IF_EPOCH = "If-Regent-Epoch";
    private static final String FENCE_DOC = "an epoch (term.index, as in Regent-Epoch): the write is applied only if "
            + "this is still the master's, else 409 and nothing is written";
    private static final String IDEMPOTENCY_DOC = "1-64 characters; the write applies at most once for it, and a "
            + "retry (same user, same write) gets the first answer; the same key with another write gets 422";
    private static final String CONSISTENCY_DOC = "any (default: this server's copy) or linearizable (the master, "
            + "after a majority confirmed it)";
    private static final String MIN_SEQ_DOC = "answer once this server has applied this position (a write's Regent-Seq)";
    private static final int MAX_PAGE = 1_000;

    @Inject
    private ThisServer group;

    @Inject
    private ReplicatedWrites writes;

    @Inject
    private ReadConsistency consistency;

    @Context
    private UriInfo uri;

    @Context
    private SecurityContext security;

    @GET
    @Operation(summary = "Page through the keys that start with a prefix, in key order",
            description = "{\"items\":[{key,value,version}...],\"next\"}: pass next as after for the next page.")
    @APIResponse(responseCode = "200", description = "A page, with Regent-Applied")
    @APIResponse(responseCode = "307", description = "consistency=linearizable asked of a backup: ask the master")
    @APIResponse(responseCode = "400", description = "A bad limit, consistency or min-seq", content = @Content(schema = @Schema(implementation = Problem.Body.class)))
    @APIResponse(responseCode = "503", description = "min-seq not reached in time, or no master for a linearizable read",
            content = @Content(schema = @Schema(implementation = Problem.Body.class)))
    public void list(@QueryParam("prefix") @DefaultValue("") String prefix,
            @Parameter(description = "the last key of the previous page") @QueryParam("after") String after,
            @Parameter(description = "1-1000") @QueryParam("limit") @DefaultValue("100") String limitText,
            @Parameter(description = CONSISTENCY_DOC) @QueryParam("consistency") String level,
            @Parameter(description = MIN_SEQ_DOC) @QueryParam("min-seq") String minSeq,
            @Suspended AsyncResponse response) {
        consistency.answer(level, minSeq, uri.getRequestUri(), () -> list(prefix, after, limitText), response);
    }

    /**
     * A watch: the committed changes under a prefix as Server-Sent Events, from the master. It
     * starts after {@code after-seq} (or {@code Last-Event-ID}, which an EventSource sends when it
     * reconnects), or after what the master has applied now; a client that resumes on the next
     * master after a failover gets every change once, in order.
     */
    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Watch the keys under a prefix (with ?watch)", description = "Server-Sent Events: put and "
            + "delete {seq,type,key,value,version} with id = seq (a transaction's changes share its seq, and only its "
            + "last carries the id); progress {seq} moves the id on; end {reason,compacted} closes the stream. Resumes "
            + "after Last-Event-ID or after-seq, with no gap, on any master; a stream cut inside a transaction sends "
            + "all of it again.")
    @APIResponse(responseCode = "200", description = "The stream of events")
    @APIResponse(responseCode = "307", description = "This server is a backup: the Location is the master's")
    @APIResponse(responseCode = "400", description = "A bad after-seq or Last-Event-ID", content = @Content(schema = @Schema(implementation = Problem.Body.class)))
    @APIResponse(responseCode = "410", description = "The log no longer holds the writes after that position: read the keys again",
            content = @Content(schema = @Schema(implementation = Problem.Body.class)))
    @APIResponse(responseCode = "503", description = "No master open, or too many streams", content = @Content(schema = @Schema(implementation = Problem.Body.class)))
    public void watch(@QueryParam("prefix") @DefaultValue("") String prefix,
            @Parameter(description = "start after this position (a write's Regent-Seq, a read's Regent-Applied)")
            @QueryParam("after-seq") String afterSeq,
            @Parameter(description = "the id of the last event received: resume after it") @HeaderParam("Last-Event-ID") String lastEventId,
            @Context SseEventSink sink, @Context Sse sse) {
        String field = lastEventId != null ? "Last-Event-ID" : "after-seq";
        String text = lastEventId != null ? lastEventId : afterSeq;
        long after = -1;
        if (text != null) {
            try {
                after = Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                after = -1;
            }
            if (after < 0) {
                throw new WebApplicationException(Problem.of(Response.Status.BAD_REQUEST,
                        field + " must be a whole number >= 0", Map.of("field", field)));
            }
        }
        Watches.Start start = group.get().watches().watch(Caller.of(security), prefix, after,
                EventStreams.changes(sink, sse));
        switch (start) {
            case STARTED -> { }
            case NOT_MASTER -> {
                NotOpenReason why = group.get().whyNotOpen();
                throw new WebApplicationException(writes.elsewhere(why == null ? NotOpenReason.TAKING_OVER : why,
                        uri.getRequestUri()));
            }
            case COMPACTED -> throw new WebApplicationException(Problem.of(Response.Status.GONE,
                    "the log no longer holds the writes after position " + after + "; read the keys again and watch "
                            + "after the Regent-Applied of that read", Map.of(field, after)));
            case TOO_FAR_BACK -> throw new WebApplicationException(Problem.of(Response.Status.GONE,
                    "position " + after + " is more than " + group.get().settings().limits().watchBehind()
                            + " writes back (regent.watch.max-behind); read the keys and watch after the "
                            + "Regent-Applied of that read", Map.of(field, after)));
            case TOO_MANY -> throw new WebApplicationException(Problem.tooManyStreams());
        }
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
        CommittedView.Read<List<KeyValueStore.Item>> read = group.get().list(prefix, after, limit);
        List<KeyValueStore.Item> page = read.value();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page);
        body.put("next", page.size() == limit ? page.get(page.size() - 1).key() : null);
        return Response.ok(body).header(APPLIED, read.at().toString()).build();
    }

    @GET
    @Path("{key: .+}")
    @Operation(summary = "Read a key", description = "From this server's copy, as current as asked; Regent-Applied "
            + "says which position it reflects.")
    @APIResponse(responseCode = "200", description = "{key,value,version} with ETag",
            content = @Content(schema = @Schema(implementation = KeyValueStore.Item.class)))
    @APIResponse(responseCode = "307", description = "consistency=linearizable asked of a backup: ask the master")
    @APIResponse(responseCode = "400", description = "A bad key, consistency or min-seq", content = @Content(schema = @Schema(implementation = Problem.Body.class)))
    @APIResponse(responseCode = "404", description = "No such key", content = @Content(schema = @Schema(implementation = Problem.Body.class)))
    @APIResponse(responseCode = "503", description = "min-seq not reached in time, or no master for a linearizable read",
            content = @Content(schema = @Schema(implementation = Problem.Body.class)))
    public void get(@PathParam("key") String key,
            @Parameter(description = CONSISTENCY_DOC) @QueryParam("consistency") String level,
            @Parameter(description = MIN_SEQ_DOC) @QueryParam("min-seq") String minSeq,
            @Suspended AsyncResponse response) {
        consistency.answer(level, minSeq, uri.getRequestUri(), () -> get(key), response);
    }

    private Response get(String key) {
        Response bad = badKey(key);
        if (bad != null) {
            return bad;
        }
        CommittedView.Read<java.util.Optional<KeyValueStore.Item>> read = group.get().get(key);
        return read.value()
                .map(item -> Response.ok(item).tag(new EntityTag(Long.toString(item.version()))))
                .orElseGet(() -> Response.fromResponse(Problem.of(Response.Status.NOT_FOUND, "no such key",
                        Map.of("key", key))))
                .header(APPLIED, read.at().toString()).build();
    }

    /**
     * A transaction: its compares and the writes of the branch they choose apply as one write, on
     * every server alike (DESIGN.md §3.6).
     */
    @POST
    @Path("txn")
    @Consumes(MediaType.WILDCARD)
    @AnsweredAtOnce
    @Operation(summary = "A transaction", description = "Body {\"compare\":[{\"key\",\"version\"|\"value\"|\"exists\"}], "
            + "\"success\":[{\"op\":\"put\"|\"delete\",\"key\",\"value\"}], \"failure\":[...]}: if every compare "
            + "holds, the success writes apply, else the failure writes; atomically, as one write, answered once "
            + "durable on a majority, with Regent-Seq (its position, shared by all its writes).")
    @APIResponse(responseCode = "200", description = "{succeeded,epoch,results:[{key,outcome,version}]}: "
            + "outcome written (version after), deleted (version before) or absent")
    @APIResponse(responseCode = "307", description = "This server is a backup: the Location is the master's")
    @APIResponse(responseCode = "400", description = "A bad body, key or Idempotency-Key, or a key written twice in "
            + "one branch", content = @Content(schema = @Schema(implementation = Problem.Body.class)))
    @APIResponse(responseCode = "409", description = "If-Regent-Epoch names a mastership that is not the master's; nothing was written", content = @Content(schema = @Schema(implementation = Problem.Body.class)))
    @APIResponse(responseCode = "413", description = "More than regent.kv.txn.max-operations in a list, a value over "
            + "regent.kv.max-value-bytes, or a transaction over regent.message.max-bytes", content = @Content(schema = @Schema(implementation = Problem.Body.class)))
    @APIResponse(responseCode = "415", description = "Not Content-Type: application/json", content = @Content(schema = @Schema(implementation = Problem.Body.class)))
    @APIResponse(responseCode = "422", description = "The Idempotency-Key was sent before with another write; nothing was written", content = @Content(schema = @Schema(implementation = Problem.Body.class)))
    @APIResponse(responseCode = "503", description = "No master open, too many writes waiting, or not confirmed "
            + "(inDoubt: true, it may have been applied: retry with the same Idempotency-Key)", content = @Content(schema = @Schema(implementation = Problem.Body.class)))
    @APIResponse(responseCode = "507", description = "The store's quota would be passed by either branch", content = @Content(schema = @Schema(implementation = Problem.Body.class)))
    public void txn(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @Parameter(description = FENCE_DOC) @HeaderParam(IF_EPOCH) String ifEpoch,
            @Parameter(description = IDEMPOTENCY_DOC) @HeaderParam(IDEMPOTENCY_KEY) String once,
            InputStream body, @Suspended AsyncResponse response) throws IOException {
        Response refused = JsonOnly.refusal(contentType);
        if (refused == null) {
            refused = badOnce(once);
        }
        if (refused != null) {
            response.resume(refused);
            return;
        }
        RegentSettings.Limits limits = group.get().settings().limits();
        KvTxn txn;
        Epoch fence;
        try {
            fence = KvRequest.requiredEpoch(ifEpoch);
            txn = KvRequest.txn(body, rules(), limits.txnOperations(), limits.txnBytes()).once(owned(once));
        } catch (KvRequest.Invalid e) {
            response.resume(Problem.of(Response.Status.fromStatusCode(e.status), e.getMessage(), Map.of()));
            return;
        }
        writes.submit(txn.encode(), Map.of("transaction", true), fence, uri.getRequestUri(), this::answerTxn)
                .thenAccept(response::resume);
    }

    private Response.ResponseBuilder answerTxn(Object answer) {
        if (!(answer instanceof KvTxnResult t)) {
            return answer((KvResult) answer); // refused by the store as a whole: invalid or a reused key
        }
        JsonArrayBuilder results = Json.createArrayBuilder();
        for (KvResult r : t.writes()) {
            results.add(Json.createObjectBuilder().add("key", r.key())
                    .add("outcome", r.outcome().name().toLowerCase(Locale.ROOT)).add("version", r.version()));
        }
        return Response.ok(Json.createObjectBuilder().add("succeeded", t.succeeded())
                .add("epoch", group.get().epoch().toString()).add("results", results).build().toString());
    }

    /**
     * Writes answer through {@link AsyncResponse}, resumed when the write commits: no request
     * thread waits for the acknowledgements, however many writes are in flight.
     */
    @PUT
    @Path("{key: .+}")
    @Consumes(MediaType.WILDCARD)
    @AnsweredAtOnce
    @Operation(summary = "Write a key", description = "Body {\"value\":\"...\"}. On the master, answered once "
            + "durable on a majority, with ETag and Regent-Seq (the write's position).")
    @APIResponse(responseCode = "200", description = "Replaced: {key,version,epoch}")
    @APIResponse(responseCode = "201", description = "Created: {key,version,epoch}")
    @APIResponse(responseCode = "307", description = "This server is a backup: the Location is the master's")
    @APIResponse(responseCode = "400", description = "A bad key, body, If-Match or Idempotency-Key", content = @Content(schema = @Schema(implementation = Problem.Body.class)))
    @APIResponse(responseCode = "409", description = "If-Regent-Epoch names a mastership that is not the master's; nothing was written", content = @Content(schema = @Schema(implementation = Problem.Body.class)))
    @APIResponse(responseCode = "412", description = "If-Match or If-None-Match failed; nothing was written", content = @Content(schema = @Schema(implementation = Problem.Body.class)))
    @APIResponse(responseCode = "413", description = "The value is over regent.kv.max-value-bytes", content = @Content(schema = @Schema(implementation = Problem.Body.class)))
    @APIResponse(responseCode = "422", description = "The Idempotency-Key was sent before with another write; nothing was written", content = @Content(schema = @Schema(implementation = Problem.Body.class)))
    @APIResponse(responseCode = "503", description = "No master open, too many writes waiting, or not confirmed "
            + "(inDoubt: true, it may have been applied: retry with the same Idempotency-Key)", content = @Content(schema = @Schema(implementation = Problem.Body.class)))
    @APIResponse(responseCode = "507", description = "The store's quota would be passed", content = @Content(schema = @Schema(implementation = Problem.Body.class)))
    public void put(@PathParam("key") String key, @HeaderParam("If-Match") String ifMatch,
            @HeaderParam("If-None-Match") String ifNoneMatch,
            @Parameter(description = FENCE_DOC) @HeaderParam(IF_EPOCH) String ifEpoch,
            @Parameter(description = IDEMPOTENCY_DOC) @HeaderParam(IDEMPOTENCY_KEY) String once,
            InputStream body, @Suspended AsyncResponse response) throws IOException {
        Response bad = badKey(key, once);
        if (bad != null) {
            response.resume(bad);
            return;
        }
        KeyRules rules = rules();
        KvCommand command;
        Epoch fence;
        try {
            fence = KvRequest.requiredEpoch(ifEpoch);
            String value = KvRequest.value(body, rules.maxValueBytes());
            String problem = rules.valueProblem(value);
            if (problem != null) {
                response.resume(Problem.of(Response.Status.REQUEST_ENTITY_TOO_LARGE, problem, Map.of("key", key)));
                return;
            }
            command = KvCommand.put(key, value, KvRequest.requiredVersion(ifMatch, ifNoneMatch)).once(owned(once));
        } catch (KvRequest.Invalid e) {
            response.resume(invalid(key, e));
            return;
        }
        writes.submit(command, fence, uri.getRequestUri(), this::answer).thenAccept(response::resume);
    }

    @DELETE
    @Path("{key: .+}")
    @AnsweredAtOnce
    @Operation(summary = "Delete a key", description = "As a write: on the master, once durable on a majority.")
    @APIResponse(responseCode = "200", description = "Deleted: {key,version,epoch}")
    @APIResponse(responseCode = "307", description = "This server is a backup: the Location is the master's")
    @APIResponse(responseCode = "400", description = "A bad key, If-Match or Idempotency-Key", content = @Content(schema = @Schema(implementation = Problem.Body.class)))
    @APIResponse(responseCode = "404", description = "No such key", content = @Content(schema = @Schema(implementation = Problem.Body.class)))
    @APIResponse(responseCode = "409", description = "If-Regent-Epoch names a mastership that is not the master's; nothing was deleted", content = @Content(schema = @Schema(implementation = Problem.Body.class)))
    @APIResponse(responseCode = "412", description = "If-Match failed; nothing was deleted", content = @Content(schema = @Schema(implementation = Problem.Body.class)))
    @APIResponse(responseCode = "422", description = "The Idempotency-Key was sent before with another write; nothing was deleted", content = @Content(schema = @Schema(implementation = Problem.Body.class)))
    @APIResponse(responseCode = "503", description = "No master open, or not confirmed (inDoubt)", content = @Content(schema = @Schema(implementation = Problem.Body.class)))
    public void delete(@PathParam("key") String key, @HeaderParam("If-Match") String ifMatch,
            @Parameter(description = FENCE_DOC) @HeaderParam(IF_EPOCH) String ifEpoch,
            @Parameter(description = IDEMPOTENCY_DOC) @HeaderParam(IDEMPOTENCY_KEY) String once,
            @Suspended AsyncResponse response) {
        Response bad = badKey(key, once);
        if (bad != null) {
            response.resume(bad);
            return;
        }
        try {
            writes.submit(KvCommand.delete(key, KvRequest.requiredVersion(ifMatch, null)).once(owned(once)),
                    KvRequest.requiredEpoch(ifEpoch), uri.getRequestUri(),
                    this::answer).thenAccept(response::resume);
        } catch (KvRequest.Invalid e) {
            response.resume(invalid(key, e));
        }
    }

    /** The client's idempotency key, scoped to the user who sent it. */
    private String owned(String once) {
        return KvCommand.ownedBy(Caller.of(security), once);
    }

    private Response.ResponseBuilder answer(KvResult r) {
        return switch (r.outcome()) {
            case WRITTEN -> Response.status(r.version() == 1 ? Response.Status.CREATED : Response.Status.OK)
                    .entity(written(r)).tag(new EntityTag(Long.toString(r.version())));
            case DELETED -> Response.ok(written(r));
            case CONFLICT -> Response.fromResponse(Problem.of(Response.Status.PRECONDITION_FAILED,
                    "the key is at another version; nothing was written",
                    Map.of("key", r.key(), "currentVersion", r.version())));
            case ABSENT -> Response.fromResponse(Problem.of(Response.Status.NOT_FOUND, "no such key",
                    Map.of("key", r.key())));
            case REUSED -> Response.fromResponse(Problem.of(422, "this Idempotency-Key was sent before with another "
                    + "write; nothing was written (send a new key for a new write)",
                    r.key() == null ? Map.of() : Map.of("key", r.key())));
            case INVALID, PASSED -> Response.fromResponse(Problem.of(Response.Status.BAD_REQUEST,
                    "the write is not valid", Map.of()));
        };
    }

    private String written(KvResult r) {
        return KvRequest.written(r.key(), r.version(), group.get().epoch().toString());
    }

    private static Response invalid(String key, KvRequest.Invalid e) {
        return Problem.of(Response.Status.fromStatusCode(e.status), e.getMessage(), Map.of("key", key));
    }

    private Response badKey(String key) {
        String problem = rules().keyProblem(key);
        return problem == null ? null : Problem.of(Response.Status.BAD_REQUEST, problem, Map.of("field", "key"));
    }

    /** A bad key, or a bad idempotency key: what the write cannot go on with, or null. */
    private Response badKey(String key, String once) {
        Response bad = badKey(key);
        return bad != null ? bad : badOnce(once);
    }

    /** 400 for a bad idempotency key, or null if it is fine (or absent). */
    private Response badOnce(String once) {
        String problem = rules().idempotencyKeyProblem(once);
        return problem == null ? null : Problem.of(Response.Status.BAD_REQUEST, problem, Map.of("field", IDEMPOTENCY_KEY));
    }

    private KeyRules rules() {
        return new KeyRules(group.get().settings().limits().maxValueBytes());
    }
}

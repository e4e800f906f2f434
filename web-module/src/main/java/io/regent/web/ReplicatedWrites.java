package io.regent.web;

import io.regent.host.GroupStatus;
import io.regent.host.NotOpenReason;
import io.regent.host.WriteOutcome;
import io.regent.kv.KvCommand;
import io.regent.kv.KvResult;
import io.regent.machines.Machines;
import io.regent.protocol.Epoch;
import jakarta.inject.Inject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Takes a client's write to the replicated store (DESIGN.md §3) and maps what became of it onto
 * HTTP: committed, the answer the state machine gave; on a backup, 307 to the master; no master,
 * or a master taking over or cut off from the majority, 503 saying why; a write that was not
 * confirmed, 503 that says it may or may not have been applied: it is never reported as done.
 */
@ApplicationScoped
public class ReplicatedWrites {

    public static final String SEQ = "Regent-Seq";

    @Inject
    private ThisServer group;

    /**
     * The answer completes when the write is committed (or fails); no request thread waits for it.
     *
     * @param expected the mastership the write requires ({@code If-Regent-Epoch}), or null
     */
    CompletionStage<Response> submit(KvCommand command, Epoch expected, URI request,
            Function<KvResult, Response.ResponseBuilder> answer) {
        return submit(command.encode(), Map.of("key", command.key()), expected, request,
                value -> answer.apply((KvResult) value));
    }

    /**
     * A write in the store's text form: {@code about} names what it writes in a refusal's body, and
     * {@code answer} gets what the store's {@code apply} answered.
     */
    CompletionStage<Response> submit(String command, Map<String, Object> about, Epoch expected, URI request,
            Function<Object, Response.ResponseBuilder> answer) {
        return group.get().propose(command, expected).thenApply(outcome -> {
            if (outcome instanceof WriteOutcome.Committed c) {
                if (c.value() instanceof Machines.Failed f) { // a fault of the store's, the same on every server
                    return Problem.of(Response.Status.INTERNAL_SERVER_ERROR, "the store could not apply this write: "
                            + f.cause(), Map.of("seq", c.at().seq()));
                }
                return answer.apply(c.value()).header(SEQ, c.at().seq()).build();
            }
            if (outcome instanceof WriteOutcome.InDoubt d) {
                return Problem.of(Response.Status.SERVICE_UNAVAILABLE, "write not confirmed: " + d.reason(),
                        Map.of("inDoubt", true, "seq", d.at().seq(), "epoch", d.at().epoch().toString()));
            }
            if (outcome instanceof WriteOutcome.Refused r) {
                return Problem.of(Problem.INSUFFICIENT_STORAGE, r.reason(), about);
            }
            if (outcome instanceof WriteOutcome.Busy b) {
                return Problem.retryShortly(b.reason(), Map.of());
            }
            if (outcome instanceof WriteOutcome.Fenced f) {
                return Problem.of(Response.Status.CONFLICT, "the mastership " + f.expected() + " this write requires "
                        + "is not the master's (" + f.current() + "); nothing was written (an earlier attempt with the "
                        + "same Idempotency-Key, sent in that mastership, may have been: read the key)",
                        Map.of("expectedEpoch", f.expected().toString(), "epoch", f.current().toString()));
            }
            return elsewhere(((WriteOutcome.NotOpen) outcome).why(), request);
        });
    }

    /** Where a request only the open master serves must go instead: 307 to the master, or 503 saying why. */
    Response elsewhere(NotOpenReason why, URI request) {
        GroupStatus.Master master = group.get().masterView();
        if (why == NotOpenReason.NOT_MASTER && master.url() != null && !master.url().isEmpty()) {
            URI target = URI.create(master.url() + request.getRawPath()
                    + (request.getRawQuery() == null ? "" : "?" + request.getRawQuery()));
            return Problem.redirect(target, "this server is not the master; " + master.id() + " is",
                    Map.of("master", String.valueOf(master.id()), "masterUrl", master.url()));
        }
        return Problem.retryShortly(why.text() + "; retry shortly", Map.of("reason", why.name(),
                "master", String.valueOf(master.id()), "masterUrl", String.valueOf(master.url())));
    }
}

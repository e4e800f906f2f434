package io.regent.web;

import io.regent.group.GroupEngine;
import io.regent.group.GroupStatus;
import io.regent.group.ReplicationEngine;
import io.regent.group.Submission;
import io.regent.group.WriteFailed;
import io.regent.kv.KvCommand;
import io.regent.kv.KvResult;
import io.regent.replication.Proposal;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Takes a client's write to the replicated store (DESIGN.md §3): on a backup, 307 to the master
 * (503 naming none while no master is known); on the master, sequence it and answer only once
 * it is committed, with its epoch and sequence number. A write that was not confirmed gets 503
 * and says it may or may not have been applied: it is never reported as done.
 */
@ApplicationScoped
public class ReplicatedWrites {

    public static final String SEQ = "Regent-Seq";

    @EJB
    private GroupEngine group;

    @EJB
    private ReplicationEngine replication;

    /**
     * The answer completes when the write is committed (or fails); no request thread waits for
     * the backups' acknowledgements.
     */
    CompletionStage<Response> submit(KvCommand command, UriInfo uri, Function<KvResult, Response.ResponseBuilder> answer) {
        if (!group.isReady()) {
            return CompletableFuture.completedFuture(elsewhere(uri));
        }
        Submission s = replication.submit(command.encode());
        if (s.proposal() instanceof Proposal.Rejected r) {
            return CompletableFuture.completedFuture(r.reason() == Proposal.Reason.SYNCING ? takingOver() : elsewhere(uri));
        }
        Proposal.Accepted accepted = (Proposal.Accepted) s.proposal();
        long wait = group.settings().replication().ackTimeout() + 1_000;
        return s.committed().orTimeout(wait, TimeUnit.MILLISECONDS).handle((done, failure) -> {
            if (failure == null) {
                return answer.apply(KvResult.decode(accepted.result())).header(SEQ, accepted.at().seq()).build();
            }
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            String reason = cause instanceof WriteFailed ? cause.getMessage()
                    : cause instanceof TimeoutException ? "not committed within " + wait + " ms" : String.valueOf(cause);
            return unconfirmed(reason, accepted);
        });
    }

    private Response elsewhere(UriInfo uri) {
        GroupStatus.Master master = group.masterView();
        boolean self = group.settings().serverId().equals(master.id());
        if (master.id() == null || master.url() == null || master.url().isEmpty() || self) {
            return Problem.of(Response.Status.SERVICE_UNAVAILABLE,
                    self ? "this server is master but not open for writes (taking over, or cut off from the broker)"
                            : "no master is known yet; retry shortly",
                    Map.of("master", String.valueOf(master.id()), "masterUrl", String.valueOf(master.url())));
        }
        URI target = URI.create(master.url() + uri.getRequestUri().getRawPath()
                + (uri.getRequestUri().getRawQuery() == null ? "" : "?" + uri.getRequestUri().getRawQuery()));
        return Response.temporaryRedirect(target).build();
    }

    private static Response takingOver() {
        return Response.fromResponse(Problem.of(Response.Status.SERVICE_UNAVAILABLE,
                "this server is taking over as master and syncing; retry shortly", Map.of()))
                .header("Retry-After", 1).build();
    }

    private static Response unconfirmed(String reason, Proposal.Accepted at) {
        return Problem.of(Response.Status.SERVICE_UNAVAILABLE, "write not confirmed: " + reason,
                Map.of("inDoubt", true, "seq", at.at().seq(), "epoch", at.at().epoch().toString()));
    }
}

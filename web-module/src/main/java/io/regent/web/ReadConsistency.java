package io.regent.web;

import io.regent.host.ReadOutcome;
import io.regent.replication.CommittedView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * How current a read must be, chosen per request (README, API). Every read answers from this
 * server's committed state, never a write a failover could still undo (DESIGN.md §3.6):
 * <ul>
 * <li>by default, as it stands; {@code Regent-Applied} says which commit point it reflects;
 * <li>{@code min-seq=N}: once this server knows position N committed (read-your-writes: N is the
 *     {@code Regent-Seq} a write was answered with), waiting up to {@code regent.replication.timeout};
 * <li>{@code consistency=linearizable}: on the master, once a round of heartbeats that a majority
 *     answered after the read arrived proved it was still the master then, and its commit point
 *     reached where it stood when the read arrived; nothing is written (a backup answers 307 to
 *     the master, like a write).
 * </ul>
 */
@ApplicationScoped
public class ReadConsistency {

    private static final String MIN_SEQ = "min-seq";
    private static final String CONSISTENCY = "consistency";

    @Inject
    private ThisServer group;

    @Inject
    private ReplicatedWrites elsewhere;

    /** Answers {@code read} once it may be answered as asked, or with why not. */
    void answer(String consistency, String minSeqText, URI request, Supplier<Response> read, AsyncResponse response) {
        if (consistency != null && !consistency.equals("linearizable") && !consistency.equals("any")) {
            response.resume(Problem.of(Response.Status.BAD_REQUEST, "consistency must be any or linearizable",
                    Map.of("field", CONSISTENCY)));
            return;
        }
        Long minSeq = minSeq(minSeqText);
        if (minSeqText != null && minSeq == null) {
            response.resume(Problem.of(Response.Status.BAD_REQUEST, MIN_SEQ + " must be a whole number >= 0",
                    Map.of("field", MIN_SEQ)));
            return;
        }
        if ("linearizable".equals(consistency)) {
            group.get().linearizableRead().thenAccept(outcome -> response.resume(answer(outcome, request, read)));
        } else if (minSeq != null) {
            long wait = group.get().settings().replication().ackTimeout();
            group.get().committedAtLeast(minSeq).orTimeout(wait, TimeUnit.MILLISECONDS).whenComplete((committed, failure) ->
                    response.resume(failure == null ? committed(read) : behind(minSeq, wait, failure)));
        } else {
            response.resume(committed(read));
        }
    }

    /** The read from the committed state, or 503 while this server does not know what is committed. */
    private Response committed(Supplier<Response> read) {
        try {
            return read.get();
        } catch (CommittedView.NotReadable e) {
            return Problem.retryShortly(e.getMessage() + "; retry shortly, or read from the master",
                    Map.of("committedSeq", group.get().readPosition().seq()));
        }
    }

    private Response answer(ReadOutcome outcome, URI request, Supplier<Response> read) {
        if (outcome instanceof ReadOutcome.Confirmed) {
            return committed(read);
        }
        if (outcome instanceof ReadOutcome.NotOpen n) {
            return elsewhere.elsewhere(n.why(), request);
        }
        return Problem.retryShortly(((ReadOutcome.NotConfirmed) outcome).reason() + "; retry shortly", Map.of());
    }

    private Response behind(long minSeq, long waited, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        String why = cause instanceof TimeoutException
                ? "this server has not known position " + minSeq + " committed within " + waited + " ms; retry, or read "
                        + "from the master"
                : cause.getMessage();
        return Problem.retryShortly(why, Map.of(MIN_SEQ, minSeq, "committedSeq", group.get().readPosition().seq()));
    }

    private static Long minSeq(String text) {
        if (text == null) {
            return null;
        }
        try {
            long n = Long.parseLong(text);
            return n < 0 ? null : n;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}

package io.regent.web;

import io.regent.kv.KvCommand;
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
 * How current a read must be, chosen per request (README, API):
 * <ul>
 * <li>by default, this server's copy as it stands; {@code Regent-Applied} says where that is;
 * <li>{@code min-seq=N}: once this server has applied position N (read-your-writes: N is the
 *     {@code Regent-Seq} a write was answered with), waiting up to {@code regent.replication.timeout};
 * <li>{@code consistency=linearizable}: on the master, after a barrier it sequenced once the read
 *     arrived has been acknowledged by a majority, which proves it was still the master then
 *     (a backup answers 307 to the master, like a write).
 * </ul>
 */
@ApplicationScoped
public class ReadConsistency {

    private static final String MIN_SEQ = "min-seq";
    private static final String CONSISTENCY = "consistency";

    @Inject
    private ThisServer group;

    @Inject
    private ReplicatedWrites writes;

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
            writes.submit(KvCommand.barrier(), request, passed -> Response.fromResponse(read.get()))
                    .thenAccept(response::resume);
        } else if (minSeq != null) {
            long wait = group.get().settings().replication().ackTimeout();
            group.get().appliedAtLeast(minSeq).orTimeout(wait, TimeUnit.MILLISECONDS).whenComplete((applied, failure) ->
                    response.resume(failure == null ? read.get() : behind(minSeq, wait, failure)));
        } else {
            response.resume(read.get());
        }
    }

    private Response behind(long minSeq, long waited, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        String why = cause instanceof TimeoutException
                ? "this server has not applied position " + minSeq + " within " + waited + " ms; retry, or read from the master"
                : cause.getMessage();
        return Problem.retryShortly(why, Map.of(MIN_SEQ, minSeq, "appliedSeq", group.get().applied().seq()));
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

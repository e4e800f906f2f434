package io.regent.history;

import java.util.Locale;
import java.util.Objects;

/**
 * One request as a client saw it: what it asked, when, and what became of it. A history is a list
 * of these; the checker decides whether some order of them, each placed between its invocation
 * and its response, explains every answer.
 *
 * @param client        the client that sent it (a client sends one request at a time)
 * @param request       what was asked
 * @param invokedNanos  when it was sent ({@link System#nanoTime()} or any clock shared by the clients)
 * @param respondedNanos when it was answered, or the client gave up; {@link #IN_FLIGHT} if neither yet
 * @param outcome       whether it was answered
 * @param result        the answer if {@link Outcome#OK}, else null
 * @param seq           for a write, its {@code Regent-Seq} (the position it was answered at); for a read,
 *                      the position its answer reflects ({@code Regent-Applied}), which holds it, as a
 *                      min-seq does, to be at least as new as every write answered at that position or
 *                      before; -1 if not known
 */
public record Operation(int client, Request request, long invokedNanos, long respondedNanos, Outcome outcome,
                        Result result, long seq) {

    /** The response time of a request neither answered nor given up yet. */
    public static final long IN_FLIGHT = Long.MAX_VALUE;

    /** What became of a request. */
    public enum Outcome {
        /** Answered: {@link Operation#result()} says how (a 412 or a 404 is an answer too). */
        OK,
        /** Definitely not applied (refused before it was sequenced): it is left out of the check. */
        FAILED,
        /** May or may not have applied, at any time after its invocation (timeout, 502, 504, reset). */
        UNKNOWN
    }

    public Operation {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(outcome, "outcome");
        if (respondedNanos < invokedNanos) {
            throw new IllegalArgumentException("answered before it was sent: " + request.describe());
        }
        if ((outcome == Outcome.OK) != (result != null)) {
            throw new IllegalArgumentException(outcome == Outcome.OK
                    ? "an answered request has a result" : "a " + outcome + " request has no result");
        }
        if (result != null && !result.answers(request.kind())) {
            throw new IllegalArgumentException(request.kind() + " cannot be answered " + result.describe());
        }
        if (seq < -1) {
            throw new IllegalArgumentException("seq is -1 or a position: " + seq);
        }
    }

    public String key() {
        return request.key();
    }

    public Request.Kind kind() {
        return request.kind();
    }

    /**
     * The operation as a report prints it: client, request, answer and times in ms after
     * {@code originNanos}, e.g. {@code c3 PUT "v7" -> written v3 [12.500, 14.020] ms}.
     */
    public String describe(long originNanos) {
        String answer = switch (outcome) {
            case OK -> result.describe();
            case FAILED -> "failed";
            case UNKNOWN -> "unknown";
        };
        String end = respondedNanos == IN_FLIGHT ? "in flight" : millis(respondedNanos - originNanos);
        return "c" + client + " " + request.describe() + " -> " + answer + (seq >= 0 ? " (seq " + seq + ")" : "")
                + " [" + millis(invokedNanos - originNanos) + ", " + end + "] ms";
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }
}

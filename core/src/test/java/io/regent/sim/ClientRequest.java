package io.regent.sim;

import io.regent.history.History;
import io.regent.history.Request;
import io.regent.history.Result;
import io.regent.kv.KvResult;
import io.regent.replication.Proposal;

import java.util.function.Consumer;

/**
 * One request of a register client, from the moment it is sent to its one outcome: answered,
 * failed (certainly not applied, or a read that saw nothing) or unknown (a write that may have
 * applied). The first of the server's answer, the server's crash and the client giving up decides
 * it; whatever comes later is ignored, as a client that has moved on ignores it.
 */
final class ClientRequest {

    final RegisterClient client;
    final Request request;
    final SimServer server;
    private final History.Call call;
    private final Consumer<ClientRequest> completed;
    private Proposal.Accepted accepted;
    private boolean done;

    /** @param completed told once, when the outcome is known */
    ClientRequest(RegisterClient client, Request request, SimServer server, History.Call call,
            Consumer<ClientRequest> completed) {
        this.client = client;
        this.request = request;
        this.server = server;
        this.call = call;
        this.completed = completed;
    }

    boolean done() {
        return done;
    }

    /** The master sequenced this write: its client is told the master's result once it commits. */
    void proposed(Proposal.Accepted accepted) {
        this.accepted = accepted;
    }

    /** The write committed: answered with what the master's state machine made of it, at its position. */
    void committed() {
        answered(result((KvResult) accepted.value()), accepted.at().seq());
    }

    /** Answered with {@code result}; {@code seq} is a write's position, or the commit point a read reflects. */
    void answered(Result result, long seq) {
        if (finish()) {
            call.ok(result, seq);
            client.learn(request, result, seq);
            completed.accept(this);
        }
    }

    /** Certainly not applied (refused before it was sequenced), or a read that was not answered. */
    void failed() {
        if (finish()) {
            call.failed();
            completed.accept(this);
        }
    }

    /** A write that may or may not have applied; a read has nothing to be unsure of, and fails. */
    void unknown() {
        if (!request.kind().isWrite()) {
            failed();
        } else if (finish()) {
            call.unknown();
            completed.accept(this);
        }
    }

    private boolean finish() {
        boolean first = !done;
        done = true;
        return first;
    }

    private static Result result(KvResult r) {
        return switch (r.outcome()) {
            case WRITTEN -> Result.written(r.version());
            case DELETED -> Result.deleted(r.version());
            case CONFLICT -> Result.conflict(r.version());
            case ABSENT -> Result.ABSENT;
            default -> throw new AssertionError("a register write answered " + r.encode());
        };
    }
}

package io.regent.history;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Records what concurrent clients asked and were answered, as they go: a client calls
 * {@link #invoke} just before it sends a request and completes the returned {@link Call} as soon
 * as the answer (or the lack of one) is known, so that every recorded interval contains the
 * moment the store acted on the request. Append-only and safe to share between client threads.
 */
public final class History {

    private final LongSupplier nanoClock;
    private final List<Call> calls = new ArrayList<>(); // in invocation order; guarded by this

    /** A history timed by {@link System#nanoTime()}. */
    public History() {
        this(System::nanoTime);
    }

    /** A history timed by {@code nanoClock} (a test's own clock); it must never go back. */
    public History(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** Records that {@code client} sends {@code request} now. */
    public synchronized Call invoke(int client, Request request) {
        Call call = new Call(client, request, nanoClock.getAsLong());
        calls.add(call);
        return call;
    }

    /**
     * The operations so far, in invocation order. One still in flight is {@link Operation.Outcome#UNKNOWN}
     * with no response time: it may yet take effect.
     */
    public synchronized List<Operation> operations() {
        List<Operation> ops = new ArrayList<>(calls.size());
        for (Call c : calls) {
            ops.add(c.operation());
        }
        return ops;
    }

    /** The operations on {@code key}, in invocation order. */
    public List<Operation> operations(String key) {
        return byKey().getOrDefault(key, List.of());
    }

    /**
     * The operations split by key, keys in order: linearizability is compositional (a history is
     * linearizable if and only if each key's is), so each key is checked on its own.
     */
    public Map<String, List<Operation>> byKey() {
        return byKey(operations());
    }

    /** {@code operations} split by key, keys in order, each key's in the order given. */
    public static Map<String, List<Operation>> byKey(Collection<Operation> operations) {
        Map<String, List<Operation>> keys = new TreeMap<>();
        for (Operation op : operations) {
            keys.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
        }
        return keys;
    }

    /** A request sent and not yet completed: complete it once, with what became of it. */
    public final class Call {

        private final int client;
        private final Request request;
        private final long invoked;
        private Operation completed; // guarded by History.this

        private Call(int client, Request request, long invoked) {
            this.client = client;
            this.request = request;
            this.invoked = invoked;
        }

        /** Answered: a write with no {@code Regent-Seq} known, or a read with no {@code Regent-Applied}. */
        public void ok(Result result) {
            ok(result, -1);
        }

        /** Answered: {@code seq} is a write's {@code Regent-Seq} or the position a read reflects ({@code Regent-Applied}). */
        public void ok(Result result, long seq) {
            complete(Operation.Outcome.OK, result, seq);
        }

        /** Definitely not applied (e.g. refused with 4xx or 507 before it was sequenced). */
        public void failed() {
            complete(Operation.Outcome.FAILED, null, -1);
        }

        /** May or may not have applied (timeout, 502, 503 in doubt, 504, connection reset). */
        public void unknown() {
            complete(Operation.Outcome.UNKNOWN, null, -1);
        }

        private void complete(Operation.Outcome outcome, Result result, long seq) {
            synchronized (History.this) {
                if (completed != null) {
                    throw new IllegalStateException("already completed: " + completed.describe(invoked));
                }
                completed = new Operation(client, request, invoked, nanoClock.getAsLong(), outcome, result, seq);
            }
        }

        private Operation operation() {
            return completed != null ? completed
                    : new Operation(client, request, invoked, Operation.IN_FLIGHT, Operation.Outcome.UNKNOWN, null, -1);
        }
    }
}

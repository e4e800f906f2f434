package io.regent.host;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;

/**
 * Reads that wait for this server's committed state to reach a position (read-your-writes,
 * {@code min-seq}): each is completed, off the lock, by the input that tells this server the
 * position is committed. Bounded: past the limit a read is refused rather than queued. Not
 * thread-safe: the member's lock guards it.
 */
final class CommittedWaiters {

    /** Thrown into a waiter refused because too many wait. */
    static final class TooMany extends IllegalStateException {
        TooMany(int limit) {
            super(limit + " reads already wait for this server to catch up");
        }
    }

    private record Waiter(long seq, CompletableFuture<Long> reached) { }

    private final int limit;
    private final PriorityQueue<Waiter> waiting = new PriorityQueue<>((a, b) -> Long.compare(a.seq, b.seq));

    CommittedWaiters(int limit) {
        this.limit = limit;
    }

    /** Completes with the committed seq once it is {@code seq} or more. */
    CompletableFuture<Long> await(long seq, long committed) {
        CompletableFuture<Long> reached = new CompletableFuture<>();
        if (committed >= seq) {
            reached.complete(committed);
            return reached;
        }
        waiting.removeIf(w -> w.reached.isDone()); // timed out meanwhile
        if (waiting.size() >= limit) {
            reached.completeExceptionally(new TooMany(limit));
            return reached;
        }
        waiting.add(new Waiter(seq, reached));
        return reached;
    }

    /** The waiters {@code committed} satisfies, to complete once the lock is released. */
    List<Runnable> reached(long committed) {
        if (waiting.isEmpty()) {
            return List.of(); // the usual case, after every input
        }
        List<Runnable> due = new ArrayList<>();
        while (!waiting.isEmpty() && waiting.peek().seq <= committed) {
            CompletableFuture<Long> f = waiting.poll().reached;
            due.add(() -> f.complete(committed));
        }
        return due;
    }
}

package io.regent.platform;

import io.regent.api.Epoch;

import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The executor {@code Mastership.executor()} hands out: a task is taken only while this server is
 * the master, runs as master-only work of the epoch it was taken in, and is cancelled when that
 * epoch is revoked, queued or running (a running one is interrupted).
 */
final class MasterTasks extends AbstractExecutorService {

    private final MastershipState state;
    private final ExecutorService pool;
    private final Map<RunnableFuture<?>, Epoch> pending = new ConcurrentHashMap<>();

    MasterTasks(MastershipState state, int threads, ThreadFactory factory) {
        this.state = state;
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = factory.newThread(r);
            t.setName("regent-master-task-" + t.getId());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void execute(Runnable task) {
        Epoch e = state.granted().orElse(null);
        if (e == null || !state.isMaster()) {
            throw new RejectedExecutionException(state.notMaster());
        }
        // submit() hands its own future in: cancelling that one is what its caller sees
        RunnableFuture<?> run = task instanceof RunnableFuture<?> f ? f : new FutureTask<>(task, null);
        pending.put(run, e);
        if (!e.equals(state.granted().orElse(null))) {
            cancel(run, false); // revoked while it was taken
            return;
        }
        pool.execute(() -> {
            if (run.isDone() || !state.enter()) {
                cancel(run, false); // cancelled, or revoked, while it waited
                return;
            }
            try {
                run.run();
            } finally {
                state.exit();
                pending.remove(run);
            }
        });
    }

    private void cancel(RunnableFuture<?> run, boolean interrupt) {
        run.cancel(interrupt);
        pending.remove(run);
    }

    /** Cancels every task taken in {@code e}. */
    void revoked(Epoch e) {
        pending.forEach((task, epoch) -> {
            if (epoch.equals(e)) {
                cancel(task, true);
            }
        });
    }

    @Override
    public void shutdown() {
        throw new UnsupportedOperationException("Regent's master tasks end with the server, not with a caller");
    }

    @Override
    public List<Runnable> shutdownNow() {
        throw new UnsupportedOperationException("Regent's master tasks end with the server, not with a caller");
    }

    /** The server stops: nothing more runs. */
    void close() {
        pending.keySet().forEach(t -> cancel(t, true));
        pool.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
        return pool.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return pool.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return pool.awaitTermination(timeout, unit);
    }
}

package io.regent.host;

import io.regent.replication.Position;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Makes applied writes durable in batches, on a thread of its own: while one fsync runs, every
 * position asked for meanwhile waits for the next, so one fsync serves all the writes that arrived
 * during the last (group commit). The member is told how far its state is durable once the fsync
 * returns, and only then acknowledges or commits.
 */
final class GroupCommit implements AutoCloseable {

    private final Runnable sync;
    private final Consumer<Position> durable;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition asked = lock.newCondition();
    private final Thread worker;
    private final LatencyStats syncTime = new LatencyStats(1_024);
    private Position wanted;
    private boolean closed;

    GroupCommit(Runnable sync, Consumer<Position> durable, ThreadFactory threads) {
        this.sync = sync;
        this.durable = durable;
        this.worker = threads.newThread(this::run);
        worker.setName("regent-group-commit");
        worker.start();
    }

    /** Asks for everything applied up to {@code p} to be made durable. */
    void request(Position p) {
        lock.lock();
        try {
            wanted = p;
            asked.signal();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            Position target;
            lock.lock();
            try {
                while (wanted == null && !closed) {
                    asked.awaitUninterruptibly();
                }
                if (closed) {
                    return;
                }
                target = wanted;
                wanted = null;
            } finally {
                lock.unlock();
            }
            long began = System.nanoTime();
            sync.run();
            syncTime.add((System.nanoTime() - began) / 1_000);
            durable.accept(target);
        }
    }

    /** The fsyncs' durations, µs. */
    LatencyStats.Summary syncTime() {
        return syncTime.summary();
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            asked.signal();
        } finally {
            lock.unlock();
        }
        try {
            worker.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

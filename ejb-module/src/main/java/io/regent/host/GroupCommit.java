package io.regent.host;

import io.regent.replication.Position;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Makes applied writes durable in batches (group commit). Positions are asked for under the
 * host's lock; once it is released, the thread whose input asked runs the fsync itself when none
 * is running, so a lone write's path has no hand-off to a sleeping thread (a backup's fsync runs
 * on the thread that delivered the write, and its acknowledgement leaves from there). What is
 * asked for while an fsync runs waits for the next, which the group commit's own thread runs: one
 * fsync serves every write that arrived during the last, and no caller runs more than one, so a
 * thread that also delivers inquiries or fires timers is never held by a stream of writes. One
 * fsync runs at a time, and the member is told in order how far its state is durable.
 */
final class GroupCommit implements AutoCloseable {

    private final Runnable sync;
    private final Consumer<Position> durable;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when an fsync ends. */
    private final Condition changed = lock.newCondition();
    private final Thread worker;
    private final LatencyStats syncTime = new LatencyStats(1_024);
    private Position wanted;
    private boolean syncing;
    /** An fsync ended with more asked for: the next is the group commit thread's to run. */
    private boolean leftOver;
    private boolean closed;

    GroupCommit(Runnable sync, Consumer<Position> durable, ThreadFactory threads) {
        this.sync = sync;
        this.durable = durable;
        this.worker = threads.newThread(this::run);
        worker.setName("regent-group-commit");
        worker.start();
    }

    /** Asks for everything applied up to {@code p} to be made durable by the next fsync. */
    void request(Position p) {
        lock.lock();
        try {
            wanted = p;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs one fsync of what was asked for on the calling thread, unless one is running (then the
     * group commit's thread runs the next); the caller holds no lock, since {@code durable} takes
     * the host's.
     */
    void syncAsked() {
        Position target;
        lock.lock();
        try {
            if (syncing || closed || wanted == null) {
                return;
            }
            target = take();
        } finally {
            lock.unlock();
        }
        syncUpTo(target);
    }

    private void run() {
        while (true) {
            Position target;
            lock.lock();
            try {
                while ((!leftOver || wanted == null || syncing) && !closed) {
                    changed.awaitUninterruptibly();
                }
                if (closed) {
                    return;
                }
                target = take();
            } finally {
                lock.unlock();
            }
            syncUpTo(target);
        }
    }

    /** Under the lock: the position to sync now; this thread is the one syncing. */
    private Position take() {
        Position target = wanted;
        wanted = null;
        syncing = true;
        leftOver = false;
        return target;
    }

    private void syncUpTo(Position target) {
        try {
            long began = System.nanoTime();
            sync.run();
            syncTime.add((System.nanoTime() - began) / 1_000);
            durable.accept(target);
        } finally {
            lock.lock();
            try {
                syncing = false;
                leftOver = wanted != null;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** The fsyncs' durations, µs. */
    LatencyStats.Summary syncTime() {
        return syncTime.summary();
    }

    /** Runs no more fsyncs, and waits (up to 2 s) for one under way so the storage is not closed beneath it. */
    @Override
    public void close() {
        long end = System.nanoTime() + 2_000_000_000L;
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
            while (syncing && System.nanoTime() < end) {
                changed.awaitNanos(end - System.nanoTime());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        try {
            worker.join(Math.max(1, (end - System.nanoTime()) / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

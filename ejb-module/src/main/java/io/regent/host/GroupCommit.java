package io.regent.host;

import io.regent.replication.Position;

import java.util.function.Consumer;

/**
 * Makes applied writes durable in batches (group commit) without a thread of its own: positions
 * are asked for under the host's lock, and once it is released the asking thread runs the fsync
 * itself unless another thread is running one. Whatever is asked for during an fsync waits for
 * the next, which the syncing thread runs before it lets go, so one fsync serves every write that
 * arrived during the last. No hand-off to a sleeping thread lies on a write's path (a backup's
 * fsync runs on the thread that delivered the write, its acknowledgement leaves from there), and
 * the member is told how far its state is durable, in order, before it acknowledges or commits.
 */
final class GroupCommit {

    private final Runnable sync;
    private final Consumer<Position> durable;
    private final LatencyStats syncTime = new LatencyStats(1_024);
    /** Guards the fields below. */
    private final Object lock = new Object();
    private Position wanted;
    /** A thread is syncing: the others only ask. */
    private boolean syncing;
    private boolean closed;

    GroupCommit(Runnable sync, Consumer<Position> durable) {
        this.sync = sync;
        this.durable = durable;
    }

    /** Asks for everything applied up to {@code p} to be made durable by the next fsync. */
    void request(Position p) {
        synchronized (lock) {
            wanted = p;
        }
    }

    /**
     * Runs the fsyncs asked for on the calling thread, unless another thread is running them; the
     * caller holds no lock, since {@code durable} takes the host's.
     */
    void syncRequested() {
        synchronized (lock) {
            if (syncing || closed || wanted == null) {
                return;
            }
            syncing = true;
        }
        boolean idle = false;
        try {
            while (!idle) {
                Position target;
                synchronized (lock) {
                    idle = closed || wanted == null;
                    target = wanted;
                    wanted = null;
                }
                if (!idle) {
                    long began = System.nanoTime();
                    sync.run();
                    syncTime.add((System.nanoTime() - began) / 1_000);
                    durable.accept(target);
                }
            }
        } finally {
            synchronized (lock) {
                syncing = false;
                lock.notifyAll();
            }
        }
    }

    /** The fsyncs' durations, µs. */
    LatencyStats.Summary syncTime() {
        return syncTime.summary();
    }

    /**
     * Asks for no more fsyncs and waits (up to {@code millis}) for one under way, so that the
     * storage is not closed beneath it.
     */
    void close(long millis) {
        long end = System.currentTimeMillis() + millis;
        synchronized (lock) {
            closed = true;
            try {
                while (syncing && System.currentTimeMillis() < end) {
                    lock.wait(Math.max(1, end - System.currentTimeMillis()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

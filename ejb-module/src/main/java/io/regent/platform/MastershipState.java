package io.regent.platform;

import io.regent.api.Epoch;
import io.regent.api.NotMasterException;
import io.regent.host.MemberHost;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;

/**
 * This server's mastership as the application is told it ({@link RoleEvents} moves it on), and
 * the threads running {@code @MasterOnly} work, interrupted when it is revoked.
 */
public final class MastershipState {

    private final String self;
    private final Supplier<MemberHost.Snapshot> member;
    /** Master-only work running on a thread: interrupted on revocation only while active. */
    private static final class Work {
        final Epoch epoch;
        int depth = 1;
        boolean active = true;
        boolean interrupted;

        Work(Epoch epoch) {
            this.epoch = epoch;
        }
    }

    private final Map<Thread, Work> running = new ConcurrentHashMap<>();
    private final Object changed = new Object();
    private volatile Epoch granted;

    /** Threads for {@link #executor()}: master-only background work is the application's exception, not its rule. */
    static final int TASK_THREADS = 4;

    private final MasterTasks tasks;

    MastershipState(String self, Supplier<MemberHost.Snapshot> member, ThreadFactory threads) {
        this.self = self;
        this.member = member;
        this.tasks = new MasterTasks(this, TASK_THREADS, threads);
    }

    /** An executor for master-only tasks: refused off the master, cancelled when the epoch is revoked. */
    public ExecutorService executor() {
        return tasks;
    }

    /** The server stops: no master-only task runs any more. */
    void close() {
        tasks.close();
    }

    public String self() {
        return self;
    }

    /** The epoch this server is master in, as last told to the application, or empty. */
    public Optional<Epoch> granted() {
        return Optional.ofNullable(granted);
    }

    /** Whether this server is master now: granted, and still open for writes in that epoch. */
    public boolean isMaster() {
        Epoch e = granted;
        MemberHost.Snapshot s = member.get();
        return e != null && s.open() && s.epoch().term() == e.term() && s.epoch().index() == e.index();
    }

    public boolean awaitMaster(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (changed) {
            while (!isMaster()) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    /** Why the calling work may not run here. */
    public NotMasterException notMaster() {
        MemberHost.Snapshot s = member.get();
        return new NotMasterException(s.master(), s.masterAddress());
    }

    /**
     * The calling thread starts master-only work in the epoch granted now (a nested call joins
     * the work it is part of).
     *
     * @return false if this server is not the master: the work must not start
     */
    public boolean enter() {
        Epoch e = granted;
        if (e == null || !isMaster()) {
            return false;
        }
        Thread self = Thread.currentThread();
        Work nested = running.get(self);
        if (nested != null) {
            synchronized (nested) {
                if (!nested.epoch.equals(granted)) {
                    return false;
                }
                nested.depth++;
                return true;
            }
        }
        Work w = new Work(e);
        running.put(self, w);
        if (!e.equals(granted)) { // revoked meanwhile: the revocation may have missed this thread
            end(self, w);
            return false;
        }
        return true;
    }

    /** The calling thread's master-only work (or a nested part of it) ended. */
    public void exit() {
        Thread self = Thread.currentThread();
        Work w = running.get(self);
        if (w != null) {
            synchronized (w) {
                if (--w.depth > 0) {
                    return;
                }
            }
            end(self, w);
        }
    }

    /** No revocation reaches the thread after this; one that did is not left for its next work. */
    private void end(Thread self, Work w) {
        synchronized (w) {
            w.active = false;
            running.remove(self);
            if (w.interrupted) {
                Thread.interrupted();
            }
        }
    }

    void grant(Epoch e) {
        granted = e;
        synchronized (changed) {
            changed.notifyAll();
        }
    }

    /** Revokes {@code e}: no new work starts, and the work running for it is interrupted. */
    void revoke(Epoch e) {
        if (e.equals(granted)) {
            granted = null;
        }
        tasks.revoked(e);
        running.forEach((thread, w) -> {
            synchronized (w) {
                if (w.active && w.epoch.equals(e)) {
                    w.interrupted = true;
                    thread.interrupt();
                }
            }
        });
        synchronized (changed) {
            changed.notifyAll();
        }
    }
}

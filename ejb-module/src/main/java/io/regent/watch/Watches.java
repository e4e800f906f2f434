package io.regent.watch;

import io.regent.host.MemberHost;
import io.regent.replication.ReplicaStorage;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Streams of changes and of role changes to clients (DESIGN.md §3.5). A watch is served by the
 * open master only, and only with committed writes, read back from the retained log: every later
 * master holds them at the same positions, so a client that reconnects to the next master after
 * the last position it received gets the rest, with no gap and no repeat. Nothing is queued per
 * client: each watch keeps a position in the log and at most one batch in flight, so a slow
 * client costs a thread and a page, not memory, and one that falls behind what the log keeps is
 * told it was compacted.
 *
 * <p>One pump thread reads the log for every watch when the commit point moves, a send completes,
 * or a heartbeat is due; the sends themselves run on a pool, so a client that does not read
 * blocks only its own stream.
 */
public final class Watches implements AutoCloseable {

    /** A client's stream of changes (Server-Sent Events in the web layer). */
    public interface ChangeStream {
        /** Sends the changes in order; completes once they are written. */
        CompletionStage<?> send(List<Change> changes);

        /** Tells the client it has every change up to {@code seq}: a point to resume after. */
        CompletionStage<?> progress(long seq);

        /** Ends the stream saying why; the client reconnects (to the master) with its last id. */
        void end(String reason, boolean compacted);

        boolean isClosed();
    }

    /** A client's stream of this server's view of the master. */
    public interface RoleStream {
        CompletionStage<?> send(RoleChange change);

        void end(String reason);

        boolean isClosed();
    }

    /** Whether a watch could start. */
    public enum Start {
        STARTED, NOT_MASTER, TOO_MANY, COMPACTED,
        /** Further back than {@code regent.watch.max-behind}: a list of the keys costs the server less. */
        TOO_FAR_BACK
    }

    static final long PAGE_BYTES = 64 * 1024;
    static final long HEARTBEAT_MILLIS = 10_000;

    private static final class KvWatch {
        final String user;
        final String prefix;
        final ChangeStream out;
        long position;
        long lastSent;
        CompletableFuture<?> inFlight = CompletableFuture.completedFuture(null);

        KvWatch(String user, String prefix, ChangeStream out, long position, long now) {
            this.user = user;
            this.prefix = prefix;
            this.out = out;
            this.position = position;
            this.lastSent = now;
        }
    }

    private static final class RoleWatch {
        final String user;
        final RoleStream out;
        RoleChange sent;
        CompletableFuture<?> inFlight = CompletableFuture.completedFuture(null);

        RoleWatch(String user, RoleStream out) {
            this.user = user;
            this.out = out;
        }
    }

    private final String self;
    private final ChangeLog log;
    private final LongSupplier clock;
    private final StreamQuota quota;
    private final long maxBehind;
    private final ConcurrentLinkedQueue<KvWatch> changeWatches = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<RoleWatch> roleWatches = new ConcurrentLinkedQueue<>();
    private final ExecutorService senders;
    private final Thread pump;
    private final Object signal = new Object();
    private volatile MemberHost.Snapshot latest;
    private boolean wake;
    private volatile boolean closed;

    /**
     * @param limit     most streams of both kinds at once; one user may hold a quarter of them
     * @param maxBehind most positions a watch may start behind what this server applied
     */
    public Watches(String self, ReplicaStorage storage, MemberHost.Snapshot initial, LongSupplier clock, int limit,
            long maxBehind, ThreadFactory threads) {
        this.self = self;
        this.maxBehind = maxBehind;
        this.log = new ChangeLog(storage);
        this.latest = initial;
        this.clock = clock;
        this.quota = new StreamQuota(limit, Math.max(1, limit / 4));
        this.senders = Executors.newCachedThreadPool(threads);
        this.pump = threads.newThread(this::run);
        pump.setName("regent-watches");
        pump.setDaemon(true);
        pump.start();
    }

    /** The member changed: the commit point may have moved, or the role. */
    public void changed(MemberHost.Snapshot s) {
        MemberHost.Snapshot before = latest;
        latest = s;
        if (quota.open() == 0) {
            return; // no stream to serve: the write path pays nothing for watches
        }
        if (s.committed() != before.committed() || s.open() != before.open() || s.role() != before.role()
                || !java.util.Objects.equals(s.master(), before.master()) || !s.epoch().equals(before.epoch())) {
            wakeUp();
        }
    }

    /**
     * Starts a watch of the keys under {@code prefix} after position {@code after} (negative:
     * after what this server has applied now).
     */
    public Start watch(String user, String prefix, long after, ChangeStream out) {
        MemberHost.Snapshot s = latest;
        if (!s.open()) {
            return Start.NOT_MASTER;
        }
        long applied = s.applied().seq();
        long from = after < 0 ? applied : after;
        if (applied - from > maxBehind) {
            return Start.TOO_FAR_BACK;
        }
        if (!log.holdsAfter(from, applied)) {
            return Start.COMPACTED;
        }
        if (!quota.take(user)) {
            return Start.TOO_MANY;
        }
        KvWatch w = new KvWatch(user, prefix, out, from, clock.getAsLong());
        // the starting point first: a client that reconnects before any change resumes there
        w.inFlight = send(() -> out.progress(from));
        changeWatches.add(w);
        wakeUp();
        return Start.STARTED;
    }

    /** Starts a stream of role changes; false when too many streams are open, or open for {@code user}. */
    public boolean watchRoles(String user, RoleStream out) {
        if (!quota.take(user)) {
            return false;
        }
        roleWatches.add(new RoleWatch(user, out));
        wakeUp();
        return true;
    }

    /** Streams open now. */
    public int open() {
        return quota.open();
    }

    @Override
    public void close() {
        closed = true;
        wakeUp();
        changeWatches.forEach(w -> w.out.end("this server is stopping", false));
        roleWatches.forEach(w -> w.out.end("this server is stopping"));
        changeWatches.clear();
        roleWatches.clear();
        senders.shutdownNow();
    }

    // ---- the pump -------------------------------------------------------------------------

    private void run() {
        while (!closed) {
            synchronized (signal) {
                if (!wake) {
                    try {
                        signal.wait(HEARTBEAT_MILLIS);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                wake = false;
            }
            try {
                pumpChanges(latest, clock.getAsLong());
                pumpRoles(latest);
            } catch (RuntimeException e) {
                java.util.logging.Logger.getLogger(Watches.class.getName()).warning("watches: " + e);
            }
        }
    }

    private void pumpChanges(MemberHost.Snapshot s, long now) {
        boolean more = false;
        for (KvWatch w : changeWatches) {
            if (w.out.isClosed() || w.inFlight.isCompletedExceptionally()) {
                drop(changeWatches, w, w.user);
                continue;
            }
            if (!w.inFlight.isDone()) {
                continue;
            }
            if (!s.open()) {
                w.out.end("this server is no longer the master; reconnect with Last-Event-ID", false);
                drop(changeWatches, w, w.user);
                continue;
            }
            if (w.position < s.committed()) {
                ChangeLog.Page page = log.read(w.position, s.committed(), w.prefix, PAGE_BYTES);
                if (page.compacted()) {
                    w.out.end("the log no longer holds the writes after " + w.position, true);
                    drop(changeWatches, w, w.user);
                    continue;
                }
                w.position = page.through();
                if (!page.changes().isEmpty()) {
                    w.inFlight = send(() -> w.out.send(page.changes()));
                    w.lastSent = now;
                }
                more |= w.position < s.committed();
            } else if (now - w.lastSent >= HEARTBEAT_MILLIS) {
                long at = w.position;
                w.inFlight = send(() -> w.out.progress(at));
                w.lastSent = now;
            }
        }
        if (more) {
            wakeUp();
        }
    }

    private void pumpRoles(MemberHost.Snapshot s) {
        RoleChange now = RoleChange.of(self, s);
        for (RoleWatch w : roleWatches) {
            if (w.out.isClosed() || w.inFlight.isCompletedExceptionally()) {
                drop(roleWatches, w, w.user);
            } else if (w.inFlight.isDone() && !now.equals(w.sent)) {
                w.sent = now;
                w.inFlight = send(() -> w.out.send(now));
            }
        }
    }

    /** Runs a send on the pool; its completion wakes the pump for the stream's next batch. */
    private CompletableFuture<?> send(Supplier<CompletionStage<?>> what) {
        CompletableFuture<?> sent = CompletableFuture.supplyAsync(what, senders).thenCompose(stage -> stage);
        sent.whenComplete((ok, failed) -> wakeUp());
        return sent;
    }

    private <W> void drop(ConcurrentLinkedQueue<W> from, W w, String user) {
        if (from.remove(w)) {
            quota.giveBack(user);
        }
    }

    private void wakeUp() {
        synchronized (signal) {
            wake = true;
            signal.notifyAll();
        }
    }
}

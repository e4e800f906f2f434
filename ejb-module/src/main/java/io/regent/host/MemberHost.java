package io.regent.host;

import io.regent.member.Member;
import io.regent.member.MemberEffect;
import io.regent.protocol.Effect;
import io.regent.protocol.Epoch;
import io.regent.protocol.Event;
import io.regent.protocol.Message;
import io.regent.protocol.Role;
import io.regent.protocol.TimerKind;
import io.regent.replication.CommittedView;
import io.regent.replication.Position;
import io.regent.replication.Proposal;
import io.regent.replication.ReplicaEffect;
import io.regent.replication.StreamMessage;
import io.regent.replication.StorageException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Runs this server's {@link Member} for the container, with no container in sight: one lock
 * serialises every input (messages from both topics, timer firings, ticks, client writes), and
 * the effects are carried out through ports the host is given, in order: messages to the send
 * queues, timers to the scheduler, the epoch to disk before anything that follows it, durability
 * to the group commit, answers to the clients waiting for their writes (after the lock is
 * released, so no response is written under it; several at once on the answer threads, so the
 * thread that delivered an acknowledgement or finished an fsync goes back to that work instead
 * of writing HTTP responses).
 *
 * <p>A step or an effect that meets a storage failure (a {@link StorageException}: a failed
 * fsync, a write the storage refused) <b>halts</b>
 * the member for good: it may have taken an epoch it could not persist, or state it cannot make
 * durable, and going on would let it promise what a restart takes back. It stops, sends nothing
 * more, answers every waiting client that its request may or may not have applied, and reports
 * itself not live, so an operator (or an orchestrator) restarts it from what its disk holds.
 */
public final class MemberHost {

    /** Timers the protocol asks for: the EJB TimerService in Liberty. */
    public interface Timers {
        void set(Effect.SetTimer timer);

        void cancel(TimerKind kind);
    }

    /** The two topics' send queues: filled under the lock, sent by {@link #send} once it is released. */
    public interface Outbox {
        void control(Effect.Send send);

        void stream(ReplicaEffect.Send send);

        /** Sends what was queued, on the calling thread unless another is sending it already. */
        void send();
    }

    /**
     * Makes state durable: the epoch at once, everything applied in batches. Each throws
     * {@link StorageException} if the storage failed.
     */
    public interface Disk {
        void persistEpoch(Epoch epoch);

        void sync();
    }

    /** What happened, for the event log, the server's log and metrics. */
    public interface Observer {
        void event(Event event);

        void notice(String what);

        /** The member's snapshot after an input that changed it; called off the lock, in input order or later. */
        default void changed(Snapshot snapshot) {
        }
    }

    /** A client's write until it commits; {@code sinceNanos} times it for the commit latency alone. */
    private record Waiting(CompletableFuture<WriteOutcome> client, Proposal.Accepted accepted, long sinceNanos) { }

    /** Threads that write answers to clients: as many as a small server has cores. */
    private static final int ANSWER_THREADS = 2;

    private final ReentrantLock lock = new ReentrantLock();
    private final Member member;
    private final LongSupplier clock;
    private final Timers timers;
    private final Outbox outbox;
    private final Disk disk;
    private final Observer observer;
    private final GroupCommit groupCommit;
    private final ExecutorService answerThreads;
    private final Map<Long, Waiting> waiting = new HashMap<>();
    /** Reads waiting for a position: as many as a server's request threads could ever hold, and then some. */
    private final CommittedWaiters committedWaiters = new CommittedWaiters(10_000);
    /** Linearizable reads waiting for their round of heartbeats, by ticket. */
    private final Map<Long, CompletableFuture<ReadOutcome>> reading = new HashMap<>();
    private long readTickets;
    private final LatencyStats commitLatency = new LatencyStats(4_096);
    private volatile Snapshot snapshot = Snapshot.NOT_RUNNING;
    /** Why the member halted, or null while it runs. */
    private volatile StorageException halted;
    private Position unsyncedDurable;
    /** The input being carried out asked the group commit for an fsync. */
    private boolean syncAsked;

    /**
     * @param fsync whether durability needs an fsync (group commit, with a thread of its own from
     *              {@code threads}); without it, what is written counts as durable at once
     */
    public MemberHost(Member member, LongSupplier clock, Timers timers, Outbox outbox, Disk disk, Observer observer,
            boolean fsync, ThreadFactory threads) {
        this.member = member;
        this.clock = clock;
        this.timers = timers;
        this.outbox = outbox;
        this.disk = disk;
        this.observer = observer;
        this.groupCommit = fsync ? new GroupCommit(this::syncOrHalt, this::durable, threads) : null;
        this.answerThreads = Executors.newFixedThreadPool(ANSWER_THREADS, r -> {
            Thread t = threads.newThread(r);
            t.setName("regent-answer-" + t.getId());
            return t;
        });
    }

    // ---- inputs -------------------------------------------------------------------------

    public void start() {
        input(now -> member.start(now));
    }

    public void stop() {
        input(now -> member.stop(now));
        List<Runnable> failed = new ArrayList<>();
        lock.lock();
        try {
            waiting.values().forEach(w -> failed.add(() -> w.client().complete(
                    new WriteOutcome.InDoubt(w.accepted().at(), "this server is stopping"))));
            waiting.clear();
            reading.values().forEach(r -> failed.add(() -> r.complete(
                    new ReadOutcome.NotOpen(NotOpenReason.NOT_RUNNING))));
            reading.clear();
        } finally {
            lock.unlock();
        }
        failed.forEach(Runnable::run);
        if (groupCommit != null) {
            groupCommit.close();
        }
        answerThreads.shutdown();
    }

    public void receive(Message m) {
        input(now -> member.receive(now, m));
    }

    public void receive(StreamMessage m) {
        input(now -> member.receive(now, m));
    }

    public void fire(TimerKind kind, long token) {
        input(now -> member.fire(now, kind, token));
    }

    /** The link to the messaging fabric went down or came back. */
    public void link(boolean up) {
        input(now -> member.link(now, up));
    }

    /** The fabric saw {@code server}'s connection to the broker close. */
    public void departed(String server) {
        input(now -> member.departed(now, server));
    }

    public void tick() {
        input(now -> member.tick(now));
    }

    /** The group commit made everything applied up to {@code p} durable. */
    public void durable(Position p) {
        input(now -> member.durable(now, p));
    }

    /** Planned handover to {@code target}, or to the best-ranked live backup when null. */
    public Optional<String> handOver(String target) {
        Optional<String> chosen = call(now -> member.handOver(now, target));
        return chosen == null ? Optional.empty() : chosen; // null: the member has halted
    }

    /**
     * A client's write: answered when it is committed, or at once when this server does not take
     * writes. No thread waits for the acknowledgements.
     */
    public CompletionStage<WriteOutcome> propose(String command) {
        return propose(command, null);
    }

    /**
     * A write fenced by a mastership: sequenced only if this master's epoch is {@code expected}
     * (null: any), checked under the same lock that sequences it.
     */
    public CompletionStage<WriteOutcome> propose(String command, Epoch expected) {
        CompletableFuture<WriteOutcome> client = new CompletableFuture<>();
        boolean ran = input(now -> {
            if (!member.open()) {
                client.complete(new WriteOutcome.NotOpen(notOpenReason()));
                return;
            }
            if (expected != null && !expected.equals(member.node().epoch())) {
                client.complete(new WriteOutcome.Fenced(expected, member.node().epoch()));
                return;
            }
            Proposal p;
            try {
                p = member.propose(now, command);
            } catch (StorageException e) {
                // the storage refused the write as it was applied: whether it stuck is not known
                client.complete(new WriteOutcome.InDoubt(member.replica().applied(), NotOpenReason.HALTED.text()));
                throw e;
            }
            if (p instanceof Proposal.Accepted a) {
                waiting.put(a.at().seq(), new Waiting(client, a, System.nanoTime()));
            } else if (p instanceof Proposal.Refused r) {
                client.complete(new WriteOutcome.Refused(r.reason()));
            } else if (p instanceof Proposal.Rejected r && r.reason() == Proposal.Reason.BUSY) {
                client.complete(new WriteOutcome.Busy("more than " + RegentSettings.MAX_PENDING_BYTES
                        + " bytes of writes wait for acknowledgements; retry shortly"));
            } else {
                client.complete(new WriteOutcome.NotOpen(notOpenReason()));
            }
        });
        if (!ran) {
            client.complete(new WriteOutcome.NotOpen(NotOpenReason.HALTED)); // halted before the step: never sequenced
        }
        return client;
    }

    /**
     * Completes once this server knows {@code seq} committed and holds it (read-your-writes); a
     * caller that stops waiting cancels or times out the future, and it is forgotten.
     */
    public CompletableFuture<Long> committedAtLeast(long seq) {
        CompletableFuture<Long> reached = call(now -> committedWaiters.await(seq, readableCommitted()));
        return reached != null ? reached
                : CompletableFuture.failedFuture(new IllegalStateException(NotOpenReason.HALTED.text()));
    }

    /**
     * A linearizable read: completes once this master has confirmed, by a round of heartbeats a
     * majority answered after the read arrived, that the committed state may answer it. No thread
     * waits, and nothing is written.
     */
    public CompletionStage<ReadOutcome> linearizableRead() {
        CompletableFuture<ReadOutcome> client = new CompletableFuture<>();
        boolean ran = input(now -> {
            long ticket = ++readTickets;
            if (member.read(now, ticket)) {
                reading.put(ticket, client);
            } else {
                client.complete(new ReadOutcome.NotOpen(notOpenReason()));
            }
        });
        if (!ran) {
            client.complete(new ReadOutcome.NotOpen(NotOpenReason.HALTED));
        }
        return client;
    }

    /** The state as of this server's commit point, for readers on any thread. */
    public CommittedView committedView() {
        return member.replica().committedView();
    }

    /** How far readers may read here: the commit point, or -1 while the committed state is not readable. */
    private long readableCommitted() {
        CommittedView v = member.replica().committedView();
        return v.readable() ? v.committed().seq() : -1;
    }

    /** A consistent look at the member under the lock, for the group API and the status page. */
    public <T> T inspect(Function<Member, T> look) {
        lock.lock();
        try {
            return look.apply(member);
        } finally {
            lock.unlock();
        }
    }

    /** What health checks, headers and load balancers need, without taking the lock. */
    public Snapshot snapshot() {
        return snapshot;
    }

    /** How long each group commit's fsync took, µs (no samples without fsync). */
    public LatencyStats.Summary syncTime() {
        return groupCommit == null ? LatencyStats.Summary.NONE : groupCommit.syncTime();
    }

    /** From sequencing a write to its commit, µs. */
    public LatencyStats.Summary commitLatency() {
        return commitLatency.summary();
    }

    /**
     * The member's role, epoch, master and openness after its last input, read without the lock.
     *
     * @param committed on the open master, the newest write committed in its mastership, else -1
     */
    public record Snapshot(boolean running, Role role, Epoch epoch, String master, String masterAddress,
            boolean open, NotOpenReason whyNotOpen, Position applied, boolean current, long committed) {

        static final Snapshot NOT_RUNNING = new Snapshot(false, Role.JOINING, Epoch.NONE, null, null, false,
                NotOpenReason.NOT_RUNNING, Position.NONE, false, -1);
    }

    // ---- effects ------------------------------------------------------------------------

    /** @return false if the member has halted, so the step did not run */
    private boolean input(Consumer<Long> step) {
        return call(now -> {
            step.accept(now);
            return Boolean.TRUE;
        }) != null;
    }

    private <T> T call(Function<Long, T> step) {
        List<Runnable> answers = new ArrayList<>();
        T result = null;
        StorageException failure = null;
        Snapshot before = snapshot;
        boolean durabilityAsked;
        lock.lock();
        try {
            long now = clock.getAsLong();
            if (halted == null) {
                try {
                    result = step.apply(now);
                    carryOut(now, answers);
                } catch (StorageException e) {
                    failure = e;
                    halt(now, e, answers);
                }
            }
            snapshot = halted != null ? haltedSnapshot() : new Snapshot(member.node().running(),
                    member.node().role(), member.node().epoch(), member.node().master(), member.node().masterAddress(),
                    member.open(), member.open() ? null : notOpenReason(), member.replica().applied(),
                    member.replica().current(), member.replica().committed());
            answers.addAll(committedWaiters.reached(readableCommitted()));
        } finally {
            durabilityAsked = syncAsked && halted == null;
            syncAsked = false;
            lock.unlock();
            outbox.send();
        }
        answer(answers);
        Snapshot after = snapshot;
        if (!after.equals(before)) {
            observer.changed(after);
        }
        if (durabilityAsked) {
            // last, so that this input's frames and answers do not wait for the fsync
            groupCommit.syncAsked();
        }
        if (failure != null) {
            throw failure;
        }
        return result;
    }

    /** Why the member halted (see the class comment), or null while it runs. */
    public StorageException halted() {
        return halted;
    }

    /** Under the lock: stops the member for good after {@code cause}, and answers everyone waiting. */
    private void halt(long now, StorageException cause, List<Runnable> answers) {
        halted = cause;
        member.stop(now);
        member.drain(); // what the failed step would have done next: nothing of it goes out
        String why = NotOpenReason.HALTED.text() + ": " + cause.getMessage();
        waiting.values().forEach(w -> answers.add(() -> w.client().complete(
                new WriteOutcome.InDoubt(w.accepted().at(), why))));
        waiting.clear();
        reading.values().forEach(r -> answers.add(() -> r.complete(new ReadOutcome.NotOpen(NotOpenReason.HALTED))));
        reading.clear();
        observer.notice("halted: " + why);
    }

    /** What health checks and load balancers see of a halted member: not live, not open, and why. */
    private Snapshot haltedSnapshot() {
        return new Snapshot(false, Role.JOINING, member.node().epoch(), null, null, false, NotOpenReason.HALTED,
                member.replica().applied(), false, -1);
    }

    /** The group commit's fsync: a failure halts the member before the group commit sees it. */
    private void syncOrHalt() {
        try {
            disk.sync();
        } catch (StorageException e) {
            lock.lock();
            List<Runnable> answers = new ArrayList<>();
            try {
                if (halted == null) {
                    halt(clock.getAsLong(), e, answers);
                    snapshot = haltedSnapshot();
                }
            } finally {
                lock.unlock();
            }
            answer(answers);
            throw e;
        }
    }

    /** One answer is written at once (no hand-off on a lightly loaded server); a batch goes to the answer threads. */
    private void answer(List<Runnable> answers) {
        if (answers.size() <= 1) {
            answers.forEach(Runnable::run);
            return;
        }
        try {
            answerThreads.execute(() -> answers.forEach(Runnable::run));
        } catch (RejectedExecutionException stopped) {
            answers.forEach(Runnable::run);
        }
    }

    private void carryOut(long now, List<Runnable> answers) {
        List<MemberEffect> effects = member.drain();
        while (!effects.isEmpty()) {
            for (MemberEffect e : effects) {
                if (e instanceof MemberEffect.Protocol p) {
                    carryOut(p.effect());
                } else if (e instanceof MemberEffect.Replication r) {
                    carryOut(now, r.effect(), answers);
                }
            }
            if (unsyncedDurable != null) {
                // no fsync asked for: what is written counts as durable now
                Position p = unsyncedDurable;
                unsyncedDurable = null;
                member.durable(now, p);
            }
            effects = member.drain();
        }
    }

    private void carryOut(Effect e) {
        if (e instanceof Effect.Send s) {
            outbox.control(s);
        } else if (e instanceof Effect.SetTimer t) {
            timers.set(t);
        } else if (e instanceof Effect.CancelTimer c) {
            timers.cancel(c.kind());
        } else if (e instanceof Effect.Persist p) {
            disk.persistEpoch(p.epoch());
        } else if (e instanceof Effect.Notice n) {
            observer.event(n.event());
        }
    }

    private void carryOut(long now, ReplicaEffect e, List<Runnable> answers) {
        if (e instanceof ReplicaEffect.Send s) {
            outbox.stream(s);
        } else if (e instanceof ReplicaEffect.Persist p) {
            if (groupCommit != null) {
                groupCommit.request(p.upTo());
                syncAsked = true;
            } else {
                unsyncedDurable = p.upTo();
            }
        } else if (e instanceof ReplicaEffect.Committed c) {
            Waiting w = waiting.remove(c.seq());
            if (w != null) {
                commitLatency.add((System.nanoTime() - w.sinceNanos()) / 1_000);
                answers.add(() -> w.client().complete(new WriteOutcome.Committed(w.accepted().at(), w.accepted().value())));
            }
        } else if (e instanceof ReplicaEffect.Failed f) {
            Waiting w = waiting.remove(f.seq());
            if (w != null) {
                answers.add(() -> w.client().complete(new WriteOutcome.InDoubt(w.accepted().at(), f.reason())));
            }
        } else if (e instanceof ReplicaEffect.ReadReady r) {
            CompletableFuture<ReadOutcome> read = reading.remove(r.ticket());
            if (read != null) {
                answers.add(() -> read.complete(new ReadOutcome.Confirmed(r.committed())));
            }
        } else if (e instanceof ReplicaEffect.ReadFailed f) {
            CompletableFuture<ReadOutcome> read = reading.remove(f.ticket());
            if (read != null) {
                answers.add(() -> read.complete(new ReadOutcome.NotConfirmed(f.reason())));
            }
        } else if (e instanceof ReplicaEffect.Notice n) {
            observer.notice(n.what());
        }
    }

    private NotOpenReason notOpenReason() {
        if (!member.node().running()) {
            return NotOpenReason.NOT_RUNNING;
        }
        Role role = member.node().role();
        String master = member.node().master();
        if (role == Role.MASTER) {
            return NotOpenReason.TAKING_OVER;
        }
        if (role == Role.WAITING && master == null && member.node().lostQuorum()) {
            return NotOpenReason.NO_QUORUM;
        }
        return master == null ? NotOpenReason.NO_MASTER : NotOpenReason.NOT_MASTER;
    }
}

package io.regent.sim;

import io.regent.machines.Machines;
import io.regent.kv.KeyValueStore;
import io.regent.kv.KvCommand;
import io.regent.kv.KvTxn;
import io.regent.member.Member;
import io.regent.membership.ConfigurationMachine;
import io.regent.member.RoleSequence;
import io.regent.member.MemberEffect;
import io.regent.protocol.Configuration;
import io.regent.protocol.Effect;
import io.regent.protocol.Event;
import io.regent.protocol.Message;
import io.regent.protocol.ProtocolConfig;
import io.regent.protocol.Role;
import io.regent.protocol.TimerKind;
import io.regent.replication.MemoryStorage;
import io.regent.replication.Position;
import io.regent.replication.Proposal;
import io.regent.replication.ReplicaEffect;
import io.regent.replication.ReplicationConfig;
import io.regent.replication.StreamMessage;
import io.regent.replication.StorageException;

import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Discrete-event simulation of a group of composed servers ({@link Member}: election, replication
 * and storage): a virtual clock, simulated hosts with clocks of their own rate, timers that may
 * fire late, and disks that sync after a delay (or stall, or fail) and keep only what was synced
 * (or a prefix of the rest) when they crash, a simulated network carrying both topics, clients
 * that write unique keys, clients of a few register keys ({@link RegisterWorkload}), and the
 * invariants checked after every input a server processes.
 *
 * <p>A storage failure is carried out as {@code io.regent.host.MemberHost} carries it out: the
 * exception ends the host's input where it was thrown, and nothing in the host catches it.
 */
final class Simulation {

    private record Pending(long at, long order, Runnable action) { }

    /** The host's replication tick, as in production. */
    static final long TICK = 250;
    /** {@code -Dregent.sim.trace=true} prints what each server does, to follow a failing seed. */
    private static final boolean TRACE = Boolean.getBoolean("regent.sim.trace");
    private static final boolean FSYNC_FAILURES = !"false".equals(System.getProperty("regent.sim.fsyncFailures"));

    final long seed;
    final Random rng;
    final Network network;
    final List<SimServer> servers = new ArrayList<>();
    final Invariants invariants;
    final Ledger ledger = new Ledger();
    /** What the servers owe the register clients. */
    final Outstanding owed = new Outstanding();
    /** The group's configuration, as every server's state records it (DESIGN.md §9). */
    final ConfigurationMachine configurations = new ConfigurationMachine();
    private final Machines machine = new Machines(new KeyValueStore(Long.MAX_VALUE, Long.MAX_VALUE),
            List.of(configurations), Long.MAX_VALUE);
    private final Map<String, SimServer> byId = new HashMap<>();
    private final PriorityQueue<Pending> queue = new PriorityQueue<>(
            (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
    private long order;
    private long now;
    private long writes;
    /** The topic whose delivery thread carries the input under way, or null for any other thread. */
    private Network.Path delivering;

    /** Control messages sent (one count per receiver) by type since {@link #resetCounts}. */
    final Map<String, Long> sent = new HashMap<>();
    long streamSent;
    long revocations;
    long handled;
    long failedSyncs;

    /**
     * @param retainEntries writes each server keeps to fill gaps (small: snapshots get exercised)
     * @param maxDrift      the most a host's clock rate is off, in millionths (0: every clock keeps time)
     * @param diskDelay     the longest a sync takes when nothing is wrong, ms
     */
    Simulation(long seed, Random rng, List<ProtocolConfig> configs, List<ReplicationConfig> replication,
            int retainEntries, Network network, long maxSkew, long maxDrift, long diskDelay) {
        this.seed = seed;
        this.rng = rng;
        this.network = network;
        for (int i = 0; i < configs.size(); i++) {
            long skew = maxSkew == 0 ? 0 : rng.nextLong(maxSkew + 1);
            SimServer s = new SimServer(i, configs.get(i), replication.get(i),
                    new MemoryStorage(1 << 20, retainEntries), new HostClock(skew, drift(maxDrift)),
                    new SimDisk(rng, diskDelay));
            servers.add(s);
            byId.put(s.id(), s);
        }
        this.invariants = new Invariants(this);
    }

    /** A rate off by at least a fifth of {@code maxDrift} and at most all of it, either way. */
    private long drift(long maxDrift) {
        if (maxDrift == 0) {
            return 0;
        }
        long off = maxDrift / 5 + rng.nextLong(maxDrift - maxDrift / 5 + 1);
        return rng.nextBoolean() ? off : -off;
    }

    long now() {
        return now;
    }

    void at(long time, Runnable action) {
        queue.add(new Pending(time, order++, action));
    }

    void runUntil(long end) {
        while (!queue.isEmpty() && queue.peek().at <= end) {
            Pending p = queue.poll();
            now = p.at;
            p.action.run();
        }
        now = end;
    }

    // ---- faults -------------------------------------------------------------------------

    void start(int i) {
        SimServer s = servers.get(i);
        s.incarnation++;
        s.member = new Member(s.config, s.replication, s.persistedEpoch, s.storage, machine, configurations,
                s.bootstrap);
        s.up = true;
        s.paused = false;
        s.wasOpen = false;
        s.roles = new RoleSequence();
        s.commit = new SimGroupCommit(this, s);
        s.backlog.clear();
        s.clearHeld();
        s.timerTokens.clear();
        invariants.restarted(s);
        trace(s, () -> "start at " + s.storage.applied() + " epoch " + s.persistedEpoch + ", clock " + s.clock);
        scheduleTick(s, s.incarnation, s.clock.read(now + TICK - Math.floorMod(now, TICK)));
        input(s, m -> m.start(clock(s)));
    }

    /**
     * kill -9 ({@code powerCut} false: every write the process made survives in the OS) or a power
     * cut (only what was synced survives, plus a random prefix of the rest, the last write torn).
     * After a failed fsync even a kill keeps only a prefix: the kernel may have dropped what it
     * could not write back.
     */
    void crash(int i, boolean powerCut) {
        SimServer s = servers.get(i);
        s.up = false;
        s.paused = false;
        s.incarnation++;
        s.backlog.clear();
        s.clearHeld();
        s.timerTokens.clear();
        boolean prefix = powerCut || s.storage.failed();
        int keep = prefix ? rng.nextInt(s.storage.unsyncedSteps() + 1) : Integer.MAX_VALUE;
        s.storage = s.storage.crash(keep);
        ledger.crashed(s.id());
        owed.crashed(s);
        trace(s, () -> (powerCut ? "power cut" : "killed") + ", recovers at " + s.storage.applied());
        invariants.crashed(s);
        if (!powerCut) {
            departed(i); // a killed process's sockets close; a machine that lost power just goes silent
        }
    }

    /**
     * The broker saw server i's connection close and tells the others (a hint, DESIGN.md §2.1):
     * after a kill, or while a live server moves to another broker.
     */
    void departed(int i) {
        SimServer gone = servers.get(i);
        for (SimServer to : servers) {
            if (to == gone) {
                continue;
            }
            long life = to.incarnation;
            at(now + network.delay(i, to.number), () -> reach(to, life, () -> input(to, m -> m.departed(clock(to), gone.id()))));
        }
    }

    /**
     * Server i's broker dies: it hears nobody and nobody hears it until it has moved to another
     * broker, {@code outage} ms later, and it knows it (its connection failed).
     */
    void brokerFault(int i, long outage) {
        SimServer s = servers.get(i);
        if (!s.active()) {
            return;
        }
        network.isolate(i);
        input(s, m -> m.link(clock(s), false));
        long life = s.incarnation;
        at(now + outage, () -> {
            network.rejoin(i);
            if (s.active() && s.incarnation == life) {
                input(s, m -> m.link(clock(s), true));
            }
        });
    }

    void pause(int i) {
        servers.get(i).paused = true;
        invariants.paused(servers.get(i));
    }

    void resume(int i) {
        SimServer s = servers.get(i);
        s.paused = false;
        invariants.resumed(s);
        while (s.active() && !s.backlog.isEmpty()) {
            s.backlog.poll().run();
        }
    }

    void handOver(int i, String target) {
        SimServer s = servers.get(i);
        if (s.active()) {
            input(s, m -> m.handOver(clock(s), target));
        }
    }

    /** Delivers a message that no member sent, as if forged on the wire. */
    void forge(int to, Message forged) {
        SimServer s = servers.get(to);
        if (s.active()) {
            invariants.forged(s, () -> input(s, m -> m.receive(clock(s), forged)));
        }
    }

    /** The next fsync of server i takes {@code millis} ms longer than usual. */
    void stallSync(int i, long millis) {
        servers.get(i).disk.stallNext(millis);
    }

    /**
     * The next fsync of server i fails, unless {@code -Dregent.sim.fsyncFailures=false} leaves
     * failures out (to run the other faults while a failure's consequence is being fixed).
     */
    void failSync(int i) {
        if (FSYNC_FAILURES) {
            servers.get(i).disk.failNext();
        }
    }

    /** Every disk works as usual from now on; a storage whose fsync failed stays so until its server restarts. */
    void disksRecover() {
        servers.forEach(s -> s.disk.recover());
    }

    // ---- clients ------------------------------------------------------------------------

    /**
     * Clients write unique keys from {@code from} to {@code to}, about one every {@code gap} ms,
     * each to the server open for writes (as a load balancer routes by readiness), else to any.
     */
    void load(long from, long to, int gap) {
        for (long t = from; t < to; t += 1 + rng.nextInt(2 * gap)) {
            at(t, this::writeSomewhere);
        }
    }

    private void writeSomewhere() {
        SimServer target = writeTarget(rng);
        if (!target.active()) {
            return;
        }
        String key = "w" + (++writes);
        String value = key + "@" + seed;
        // every fourth write is a transaction, whose compare holds on every server (the key is
        // new), so the ledger's key shows that its success branch ran everywhere
        String command = writes % 4 == 0
                ? new KvTxn(List.of(new KvTxn.Exists(key, false)), List.of(new KvTxn.Write(key, value),
                        new KvTxn.Write(key + "-also", value)), List.of(new KvTxn.Write(key + "-failed", value)), null).encode()
                : KvCommand.put(key, value, null).encode();
        SimServer server = target;
        input(server, m -> {
            Proposal p = m.propose(clock(server), command);
            if (p instanceof Proposal.Accepted a) {
                ledger.proposed(server.id(), a.at().seq(), key, value);
            }
        });
    }

    /** Where a load balancer routing by readiness sends a write: the server open for writes, else any. */
    SimServer writeTarget(Random random) {
        SimServer target = null;
        for (SimServer s : servers) {
            if (s.active() && s.member.open()) {
                target = s;
            }
        }
        return target != null ? target : servers.get(random.nextInt(servers.size()));
    }

    /**
     * A client's request reaches s's host: carried out now, or once s runs again if it is paused
     * (its backlog keeps it, in order with its other inputs); false if s is down (refused).
     */
    boolean request(SimServer s, Runnable handling) {
        if (!s.up) {
            return false;
        }
        if (s.paused) {
            s.backlog.add(handling);
        } else {
            handling.run();
        }
        return true;
    }

    // ---- plumbing -----------------------------------------------------------------------

    /** What s's clock reads now. */
    long clock(SimServer s) {
        return s.clock.read(now);
    }

    /**
     * One input to the host, as {@code MemberHost.call} runs it: the member's step, then its
     * effects in order, then the answers to clients, then the fsync it asked for. A storage
     * failure in the step or in its effects halts the server, as the host does: nothing more goes
     * out, no client is answered, and the server is down until an operator restarts it.
     */
    void input(SimServer s, Consumer<Member> step) {
        handled++;
        try {
            step.accept(s.member);
        } catch (StorageException e) {
            halt(s, "its input failed: " + e.getMessage());
            return;
        }
        List<Ledger.Write> answers = new ArrayList<>();
        try {
            for (MemberEffect e : s.member.drain()) {
                if (e instanceof MemberEffect.Protocol p) {
                    apply(s, p.effect());
                } else if (e instanceof MemberEffect.Replication r) {
                    apply(s, r.effect(), answers);
                }
            }
        } catch (StorageException e) {
            halt(s, "its effects failed: " + e.getMessage() + "; " + answers.size() + " clients not answered");
            return;
        }
        for (Ledger.Write w : answers) {
            ledger.acknowledged(w);
            trace(s, () -> "acknowledged " + w.key() + " at " + w.seq());
            invariants.acknowledged(w);
        }
        owed.inputDone(s);
        s.commit.inputDone(delivering);
        checked(s);
    }

    private void checked(SimServer s) {
        invariants.afterStep(s);
        boolean open = s.member.open();
        if (open && !s.wasOpen) {
            invariants.opened(s);
        }
        s.wasOpen = open;
        for (RoleSequence.Change c : s.roles.after(open ? s.node().epoch() : null)) {
            trace(s, () -> c.toString());
            invariants.role(s, c);
        }
    }

    private void apply(SimServer s, Effect e) {
        if (e instanceof Effect.Send send) {
            if (send.message() instanceof Message.Candidacy || send.message() instanceof Message.Support) {
                trace(s, () -> "sends " + send.message() + (send.broadcast() ? " to all" : " to " + send.to()));
            }
            for (SimServer to : servers) {
                boolean addressed = send.broadcast() ? to != s : to.id().equals(send.to());
                if (addressed) {
                    sent.merge(send.message().getClass().getSimpleName(), 1L, Long::sum);
                    transmit(s, to, send.message());
                }
            }
        } else if (e instanceof Effect.SetTimer t) {
            s.timerTokens.put(t.kind(), t.token());
            scheduleTimer(s, s.incarnation, t.kind(), t.token(), clock(s) + t.delay(), t.period());
        } else if (e instanceof Effect.CancelTimer c) {
            s.timerTokens.remove(c.kind());
        } else if (e instanceof Effect.Persist p) {
            if (s.storage.failed()) {
                // a synced write to a storage whose fsync failed: DiskStorage.persistEpoch throws
                throw new StorageException("cannot write the epoch " + p.epoch() + ": an earlier fsync failed", null);
            }
            s.persistedEpoch = p.epoch(); // synced at once, before what follows it goes out
        } else if (e instanceof Effect.Notice n) {
            if (n.event() instanceof Event.Revoked) {
                revocations++;
            }
            if (!(n.event() instanceof Event.RoundTrip)) {
                trace(s, () -> n.event().toString());
            }
        }
    }

    private void apply(SimServer s, ReplicaEffect e, List<Ledger.Write> answers) {
        if (e instanceof ReplicaEffect.Send send) {
            for (SimServer to : servers) {
                boolean addressed = send.to() == null ? to != s : to.id().equals(send.to());
                if (addressed) {
                    streamSent++;
                    transmit(s, to, send.message());
                }
            }
        } else if (e instanceof ReplicaEffect.Persist p) {
            s.commit.request(p.upTo());
        } else if (e instanceof ReplicaEffect.Committed c) {
            Ledger.Write w = ledger.committed(s.id(), c.seq());
            if (w != null) {
                answers.add(w);
            }
            owed.committed(s, c.seq());
        } else if (e instanceof ReplicaEffect.Failed f) {
            ledger.failed(s.id(), f.seq());
            owed.failed(s, f.seq());
        } else if (e instanceof ReplicaEffect.ReadReady r) {
            owed.readReady(s, r.ticket());
        } else if (e instanceof ReplicaEffect.ReadFailed f) {
            owed.readFailed(s, f.ticket());
        } else if (e instanceof ReplicaEffect.Notice n) {
            trace(s, () -> n.what());
        } else if (e instanceof ReplicaEffect.Reconfigured r) {
            trace(s, () -> "configuration " + r.configuration());
            invariants.reconfigured(s, r.configuration());
        }
    }

    /** The group commit made everything up to {@code target} durable: the member hears it on the syncing thread. */
    void durable(SimServer s, Position target) {
        input(s, m -> m.durable(clock(s), target));
    }

    /** An fsync of s failed: the member is never told, no write it covered may be acknowledged, and the host halts. */
    void syncFailed(SimServer s, Position target, StorageException e) {
        failedSyncs++;
        trace(s, () -> "fsync up to " + target + " failed (" + e.getMessage() + "); durable stays "
                + s.member.replica().durable());
        ledger.syncFailed(s.id(), s.member.replica().durable().seq(), target.seq());
        halt(s, "an fsync failed");
    }

    /**
     * The host halts after a storage failure (MemberHost): the server goes silent, its process
     * still up (the broker sees no departure), and its disk keeps what was synced and a prefix of
     * the rest, as after a crash, until an operator restarts it.
     */
    private void halt(SimServer s, String why) {
        if (!s.up) {
            return;
        }
        trace(s, () -> "halts: " + why);
        crash(servers.indexOf(s), true);
    }

    /** The fsync that held {@code path}'s delivery thread returned: what waited for it is delivered, in order. */
    void released(SimServer s, Network.Path path) {
        Deque<Runnable> held = s.held(path);
        while (s.active() && !s.commit.holds(path) && !held.isEmpty()) {
            deliver(path, held.poll());
        }
    }

    private void transmit(SimServer from, SimServer to, Object m) {
        Network.Path path = m instanceof Message ? Network.Path.CONTROL : Network.Path.STREAM;
        if (!network.delivers(from.number, to.number, path)) {
            return;
        }
        int copies = network.duplicates() ? 2 : 1;
        for (int c = 0; c < copies; c++) {
            long life = to.incarnation;
            at(now + network.delay(from.number, to.number), () -> arrive(to, life, path, m));
        }
    }

    private void arrive(SimServer s, long life, Network.Path path, Object m) {
        reach(s, life, () -> onTopic(s, path, () -> {
            if (m instanceof Message control) {
                invariants.beforeReceive(s, control);
                input(s, n -> n.receive(clock(s), control));
                invariants.afterReceive(s, control);
            } else {
                input(s, n -> n.receive(clock(s), (StreamMessage) m));
            }
        }));
    }

    /**
     * A message delivered by {@code path}'s session, one at a time and in order: it waits while that
     * session's thread is inside an fsync, or behind others that wait.
     */
    private void onTopic(SimServer s, Network.Path path, Runnable step) {
        Deque<Runnable> held = s.held(path);
        if (s.commit.holds(path) || !held.isEmpty()) {
            held.add(step);
        } else {
            deliver(path, step);
        }
    }

    private void deliver(Network.Path path, Runnable step) {
        Network.Path outer = delivering;
        delivering = path;
        try {
            step.run();
        } finally {
            delivering = outer;
        }
    }

    /** Something reaches server s: lost if it restarted since, held while it is paused. */
    private void reach(SimServer s, long life, Runnable step) {
        if (!s.up || s.incarnation != life) {
            return;
        }
        if (s.paused) {
            s.backlog.add(step);
        } else {
            step.run();
        }
    }

    /**
     * A timer due when s's clock reads {@code due} (periodic ones keep their schedule on that clock,
     * however late a firing was).
     */
    private void scheduleTimer(SimServer s, long life, TimerKind kind, long token, long due, long period) {
        at(firing(s, due), () -> {
            Long current = s.timerTokens.get(kind);
            if (!s.up || s.incarnation != life || current == null || current != token) {
                return;
            }
            if (period > 0) {
                scheduleTimer(s, life, kind, token, due + period, period);
            }
            Runnable step = () -> input(s, n -> n.fire(clock(s), kind, token));
            if (s.paused) {
                s.backlog.add(step);
            } else {
                step.run();
            }
        });
    }

    /** When a timer due at {@code due} on s's clock fires: once that clock reads it, as late as s's timers run. */
    private long firing(SimServer s, long due) {
        return Math.max(now, s.clock.when(due)) + s.lag.next();
    }

    /** The container's tick, due when s's clock reads {@code due}. */
    private void scheduleTick(SimServer s, long life, long due) {
        at(firing(s, due), () -> {
            if (!s.up || s.incarnation != life) {
                return;
            }
            scheduleTick(s, life, due + TICK);
            if (!s.paused) {
                input(s, m -> m.tick(clock(s))); // a paused host's ticks are coalesced by the container
            }
        });
    }

    void trace(SimServer s, java.util.function.Supplier<String> what) {
        if (TRACE) {
            System.out.printf("%6d %s %s%n", now, s.id(), what.get());
        }
    }

    // ---- views --------------------------------------------------------------------------

    SimServer server(String id) {
        return byId.get(id);
    }

    /** The configuration {@code s}'s state holds now. */
    Configuration configuration(SimServer s) {
        return configurations.read(s.storage.space()).orElse(s.bootstrap);
    }

    /**
     * The configuration of the most advanced history any server holds, up or down: the one every
     * later master's census ends on, so every acknowledged write must stay where each of its
     * majorities sees it.
     */
    Configuration newestConfiguration() {
        SimServer newest = servers.get(0);
        for (SimServer s : servers) {
            if (s.storage.applied().isAheadOf(newest.storage.applied())) {
                newest = s;
            }
        }
        return configuration(newest);
    }

    List<SimServer> activeMasters() {
        List<SimServer> masters = new ArrayList<>();
        for (SimServer s : servers) {
            if (s.up && s.node().role() == Role.MASTER) {
                masters.add(s);
            }
        }
        return masters;
    }

    /** The one master every up server follows, or null if they do not agree on one. */
    SimServer agreedMaster() {
        String agreed = null;
        for (SimServer s : servers) {
            if (!s.up) {
                continue;
            }
            String m = s.node().master();
            if (m == null || (agreed != null && !agreed.equals(m))) {
                return null;
            }
            agreed = m;
        }
        SimServer master = agreed == null ? null : byId.get(agreed);
        return master != null && master.up && master.node().role() == Role.MASTER ? master : null;
    }

    void resetCounts() {
        sent.clear();
        revocations = 0;
    }

    long sentCount(String... types) {
        long total = 0;
        for (String t : types) {
            total += sent.getOrDefault(t, 0L);
        }
        return total;
    }

    String describe() {
        StringBuilder b = new StringBuilder();
        for (SimServer s : servers) {
            b.append(String.format("%n  %s idx=%d up=%s paused=%s", s.id(), s.index(), s.up, s.paused));
            if (s.up) {
                b.append(String.format(" role=%s epoch=%s master=%s replica=%s@%s open=%s digest=%s", s.node().role(),
                        s.node().epoch(), s.node().master(), s.member.replica().mode(), s.storage.applied(),
                        s.member.open(), s.storage.digest()));
            }
        }
        b.append(String.format("%n  acknowledged writes: %d", ledger.acknowledged().size()));
        return b.toString();
    }
}

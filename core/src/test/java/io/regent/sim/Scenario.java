package io.regent.sim;

import io.regent.history.Operation;
import io.regent.membership.ChangeCheck;
import io.regent.membership.ConfigurationMachine;
import io.regent.membership.MembershipChange;
import io.regent.protocol.Configuration;
import io.regent.protocol.Epoch;
import io.regent.protocol.Index;
import io.regent.protocol.Message;
import io.regent.protocol.ProtocolConfig;
import io.regent.protocol.Role;
import io.regent.protocol.Seat;
import io.regent.replication.AckMode;
import io.regent.replication.ReplicationConfig;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * One seeded scenario: a group of random size and timing, started, settled, then put through
 * one kind of trouble while the invariants are checked at every step. The same seed replays
 * the same run.
 */
final class Scenario {

    enum Kind { CLEAN_CRASH, JITTER_CRASH, STALE_MASTER, HANDOVER, RESTART, WHOLE_GROUP_CRASH, PARTITION, BROKER_FAULT,
        CHAOS, ONE_WAY_PARTITION, BRIDGE, SLOW_HOSTS, DISK_STALL, DISK_FAILURE, MEMBERSHIP }

    /** The most a drifting host's clock rate is off, in millionths. */
    private static final long MAX_DRIFT = 50_000;

    /** What a crash scenario measured, for the scale table. */
    record Failover(long millis, long protocolMessages, long allMessages, long revocations) { }

    final long seed;
    final Kind kind;
    final int size;
    /** Servers beyond the first {@link #size}, outside the group until a membership change adds them. */
    private final int spares;
    private final Random rng;
    private final List<ProtocolConfig> configs = new ArrayList<>();
    private final Simulation sim;
    private final long maxSkew;
    /** How far a host's clock rate may be off, in millionths (0: clocks keep time). */
    private final long maxDrift;
    /** The latest any host's timer may fire, ms (0: timers fire when due). */
    private long maxLag;
    /** A scale-table run: no client load, so the message counts are the protocol's own. */
    private final boolean measured;
    private Failover failover;
    /** The register clients, unless the scenario measures the protocol's own messages. */
    private RegisterWorkload registers;
    private HistoryCheck.Checked checked = HistoryCheck.Checked.NONE;

    Scenario(long seed) {
        this(seed, -1, null);
    }

    /** @param size servers, or -1 for a random 3..9; @param kind or null for a random one */
    Scenario(long seed, int size, Kind kind) {
        this(seed, size, kind, false);
    }

    /** A scenario with the shipped default timing (ProtocolConfig.defaults), for the scale table. */
    static Scenario withDefaults(long seed, int size, Kind kind) {
        return new Scenario(seed, size, kind, true);
    }

    private Scenario(long seed, int size, Kind kind, boolean shippedDefaults) {
        this.measured = shippedDefaults;
        this.seed = seed;
        this.rng = new Random(seed);
        this.size = size > 0 ? size : 3 + rng.nextInt(7);
        this.kind = kind != null ? kind : pickKind();
        this.spares = this.kind == Kind.MEMBERSHIP ? 1 + rng.nextInt(2) : 0;
        boolean clean = this.kind != Kind.JITTER_CRASH && this.kind != Kind.CHAOS && this.kind != Kind.SLOW_HOSTS;
        this.maxDrift = drifting() ? MAX_DRIFT : 0;

        long interval = 50 + rng.nextInt(151);
        long timeout = interval / 2 + rng.nextInt((int) (interval * 3 / 2));
        int misses = 1 + rng.nextInt(3);
        long base = 5 + rng.nextInt(40);
        long minHop = 4 + rng.nextInt(9);
        long probe = 200 + rng.nextInt(301);
        long discovery = 300 + rng.nextInt(300);
        boolean preempt = this.kind == Kind.RESTART && rng.nextBoolean();
        long quorumWindow = probe + 2 * interval + rng.nextInt((int) probe);
        if (shippedDefaults) {
            ProtocolConfig d = ProtocolConfig.defaults("s1", Map.of("s1", 1));
            interval = d.detectionInterval();
            timeout = d.replyTimeout();
            misses = d.misses();
            base = d.electionBase();
            minHop = d.minHop();
            probe = d.probeInterval();
            discovery = d.discoveryWindow();
            quorumWindow = d.quorumWindow();
        }

        List<Integer> indexes = new ArrayList<>();
        for (int i = 1; i <= this.size; i++) {
            indexes.add(i);
        }
        Collections.shuffle(indexes, rng);
        Map<String, Integer> members = new HashMap<>();
        for (int i : indexes) {
            members.put("s" + i, i);
        }
        List<ReplicationConfig> replication = new ArrayList<>();
        // half the scenarios rank by measured capacity (claims 20-21): figures that differ by
        // doublings, often equal, so that ties fall back to the member number
        boolean measured = rng.nextBoolean();
        for (int i : indexes) {
            ProtocolConfig c = new ProtocolConfig("s" + i, "http://s" + i, members, interval, timeout, misses, base,
                    minHop, probe, discovery, preempt, 300, 8, quorumWindow);
            configs.add(measured ? c.measured(1_000L << rng.nextInt(4)) : c);
            // small messages and a short retained log, so that fills run in parts and snapshots happen
            replication.add(new ReplicationConfig("s" + i, AckMode.MAJORITY, 2_000, 400, 1_024, 64 * 1024));
        }
        // a spare is told of the group and itself, as an operator starts a server that joins
        for (int n = this.size + 1; n <= this.size + spares; n++) {
            Map<String, Integer> known = new HashMap<>(members);
            known.put("s" + n, n);
            ProtocolConfig c = new ProtocolConfig("s" + n, "http://s" + n, known, interval, timeout, misses, base,
                    minHop, probe, discovery, preempt, 300, 8, quorumWindow);
            configs.add(measured ? c.measured(1_000L << rng.nextInt(4)) : c);
            replication.add(new ReplicationConfig("s" + n, AckMode.MAJORITY, 2_000, 400, 1_024, 64 * 1024));
        }
        // clean timing: every delay within the floor the election delays are built from
        this.maxSkew = clean ? 1 : minHop / 2;
        // unclean timing: delays past the floor, yet a round trip still fits in the time-out
        long highest = clean ? Math.max(1, minHop * 8 / 10 - maxSkew) : Math.min(minHop * 3, timeout / 2 - maxSkew);
        Network network = new Network(rng, this.size + spares, 1, highest);
        this.sim = new Simulation(seed, rng, configs, replication, 5 + rng.nextInt(30), network, maxSkew, maxDrift,
                1 + rng.nextInt(4));
        for (SimServer spare : spareServers()) {
            spare.bootstrap = Configuration.joining(spare.config.members(), Map.of(), spare.id());
            spare.outside = true;
        }
        if (this.kind == Kind.SLOW_HOSTS || this.kind == Kind.CHAOS) {
            loadHosts();
        }
        // a WAITING server's timers are its election delay and the quorum window, both on its own
        // clock, and the election timer and one retry may each fire late
        sim.invariants.waitingBound(onSlowestClock(electionDelayBound() + quorumWindow) + 2 * maxLag + 1);
        // a superseded master steps down at the first quorum check past the window, on its own
        // clock; the check may fire late, and the newer grant may reach the others late
        sim.invariants.stepDownBound(onSlowestClock(quorumWindow + interval) + maxLag + highest + 1);
    }

    /** Kinds whose hosts' clocks run at rates of their own. */
    private boolean drifting() {
        return switch (kind) {
            case CHAOS, ONE_WAY_PARTITION, BRIDGE, SLOW_HOSTS, DISK_STALL, DISK_FAILURE -> true;
            default -> false;
        };
    }

    /**
     * Most hosts run loaded JVMs: each of their timers fires a little late, and now and then one
     * waits out a pause. The others' timers fire when due.
     */
    private void loadHosts() {
        for (SimServer s : sim.servers) {
            if (rng.nextInt(4) > 0) {
                s.lag = new TimerLag(rng, 2 + rng.nextInt(19), 0.005 + rng.nextDouble() * 0.025,
                        300 + rng.nextInt(1_201));
                maxLag = Math.max(maxLag, s.lag.longest());
            }
        }
    }

    /** The simulation's time that {@code millis} of the slowest possible host clock take. */
    private long onSlowestClock(long millis) {
        return (millis * 1_000_000 + 999_999 - maxDrift) / (1_000_000 - maxDrift);
    }

    private Kind pickKind() {
        int roll = rng.nextInt(100);
        if (roll < 15) {
            return Kind.CLEAN_CRASH;
        } else if (roll < 25) {
            return Kind.JITTER_CRASH;
        } else if (roll < 35) {
            return Kind.STALE_MASTER;
        } else if (roll < 42) {
            return Kind.HANDOVER;
        } else if (roll < 49) {
            return Kind.RESTART;
        } else if (roll < 57) {
            return Kind.WHOLE_GROUP_CRASH;
        } else if (roll < 64) {
            return Kind.PARTITION;
        } else if (roll < 69) {
            return Kind.BROKER_FAULT;
        } else if (roll < 74) {
            return Kind.ONE_WAY_PARTITION;
        } else if (roll < 79) {
            return Kind.BRIDGE;
        } else if (roll < 83) {
            return Kind.SLOW_HOSTS;
        } else if (roll < 87) {
            return Kind.DISK_STALL;
        } else if (roll < 90) {
            return Kind.DISK_FAILURE;
        } else if (roll < 95) {
            return Kind.MEMBERSHIP;
        }
        return Kind.CHAOS;
    }

    Failover failover() {
        return failover;
    }

    /** What the check of the register clients' history covered (nothing before the run ends). */
    HistoryCheck.Checked checked() {
        return checked;
    }

    /** The register clients' history, as recorded so far. */
    List<Operation> registerHistory() {
        return registers == null ? List.of() : registers.operations();
    }

    Simulation simulation() {
        return sim;
    }

    // ---- bounds from the configuration --------------------------------------------------

    private ProtocolConfig cfg() {
        return configs.get(0);
    }

    /**
     * The longest one-way delay any estimate can hold: the network's worst, or, where servers
     * pause, the reply time-out (a probe echoed late by a paused peer is capped there).
     */
    private long hopBound() {
        boolean pauses = kind == Kind.CHAOS || kind == Kind.STALE_MASTER || kind == Kind.DISK_STALL;
        long worst = pauses ? cfg().replyTimeout() : Math.min(cfg().replyTimeout(), sim.network.highestDelay());
        return Math.max(cfg().minHop(), worst);
    }

    /** The largest election delay any server can compute (delays measured on a fast clock read longer). */
    private long electionDelayBound() {
        long hops = (long) (size + spares - 1) * hopBound();
        return cfg().electionBase() + cfg().detectionSkew() + hops + (hops * maxDrift + 999_999) / 1_000_000;
    }

    /**
     * Crash to agreed master: detection (one tick of skew, K ticks, the time-out), the largest
     * election delay, and the declaration's hop (plus a revocation's, with unclean timing); each
     * on the slowest clock, and each of the timers among them (tick, time-out, election, a retry)
     * as late as a loaded host's may be.
     */
    long failoverBound() {
        return timedFailover() + lagAllowance();
    }

    /** {@link #failoverBound} were every timer to fire when due. */
    private long timedFailover() {
        ProtocolConfig c = cfg();
        long hops = kind == Kind.JITTER_CRASH || kind == Kind.SLOW_HOSTS ? 3 : 1;
        return onSlowestClock((c.misses() + 1) * c.detectionInterval() + c.replyTimeout() + electionDelayBound())
                + hops * sim.network.highestDelay() + 2 * maxSkew + 1;
    }

    /** How late the timers of one failover may fire in all: the tick, the time-out, the election and a retry. */
    private long lagAllowance() {
        return 4 * maxLag;
    }

    // ---- the run ------------------------------------------------------------------------

    void run() {
        long settled = startAll();
        // clients write all along, unless the scenario measures the protocol's own messages
        long loadUntil = settled + 3_000;
        if (!measured) {
            sim.load(settled - cfg().probeInterval(), loadUntil, 10 + rng.nextInt(50));
            registers = new RegisterWorkload(sim);
            registers.start(settled - cfg().probeInterval());
        }
        switch (kind) {
            case CLEAN_CRASH, JITTER_CRASH -> crashMaster(settled);
            case STALE_MASTER -> staleMaster(settled);
            case HANDOVER -> handover(settled);
            case RESTART -> restart(settled);
            case WHOLE_GROUP_CRASH -> wholeGroupCrash(settled);
            case PARTITION -> partition(settled);
            case BROKER_FAULT -> brokerFault(settled);
            case CHAOS -> chaos(settled);
            case ONE_WAY_PARTITION -> oneWayPartition(settled);
            case BRIDGE -> bridge(settled);
            case SLOW_HOSTS -> slowHosts(settled);
            case DISK_STALL -> diskStall(settled);
            case DISK_FAILURE -> diskFailure(settled);
            case MEMBERSHIP -> membership(settled);
        }
        if (registers != null) {
            // the register clients go on a while into the heal, to read what the faults left
            registers.stopAt(Math.max(loadUntil, sim.now()) + 1_000);
        }
        quiesce(Math.max(loadUntil, sim.now()));
        if (drifting() && !measured) {
            expectWritesCommit("once quiet");
        }
        if (registers != null) {
            checked = HistoryCheck.check(this, registers.operations());
        }
    }

    /** Clients stop; everything comes back; once quiet, every server holds the same state. */
    private void quiesce(long from) {
        sim.network.heal();
        sim.disksRecover();
        for (SimServer s : sim.servers) {
            if (s.paused) {
                sim.resume(s.number);
            }
            if (!s.up && !s.outside) {
                sim.start(s.number);
            }
        }
        sim.runUntil(from + cfg().discoveryWindow() + 2 * timedFailover() + lagAllowance() + 6 * cfg().probeInterval()
                + 1_000);
        expectAgreedMaster("once quiet");
        sim.invariants.converged();
    }

    private long startAll() {
        for (int i = 0; i < size; i++) {
            int server = i;
            sim.at(rng.nextInt(50), () -> sim.start(server));
        }
        // the discovery and election timers may each fire late
        long settled = onSlowestClock(cfg().discoveryWindow() + electionDelayBound() + cfg().probeInterval()) + 50
                + 5 * sim.network.highestDelay() + 2 * maxLag;
        sim.runUntil(settled);
        SimServer master = expectAgreedMaster("after start");
        if (kind != Kind.CHAOS && kind != Kind.JITTER_CRASH && !drifting()) {
            sim.invariants.check(master == bestUp(), "clean start elected index " + master.index() + ", not "
                    + bestUp().index());
        }
        sim.runUntil(settled + 2 * cfg().probeInterval());
        return sim.now();
    }

    private void crashMaster(long from) {
        SimServer old = expectAgreedMaster("before crash");
        long crashAt = from + rng.nextInt((int) (3 * cfg().detectionInterval()));
        sim.runUntil(crashAt);
        sim.resetCounts();
        sim.crash(old.number, rng.nextBoolean());
        SimServer best = bestUp();
        long deadline = crashAt + failoverBound();
        long agreedAt = runUntilAgreed(deadline);
        sim.invariants.check(agreedAt >= 0, "no agreed master " + failoverBound() + " ms after the crash");
        SimServer master = sim.agreedMaster();
        failover = new Failover(agreedAt - crashAt,
                sim.sentCount("Inquiry", "Reply", "Candidacy", "Support", "Declaration", "Revocation", "Handover"),
                sim.sent.values().stream().mapToLong(Long::longValue).sum(), sim.revocations);
        if (kind == Kind.CLEAN_CRASH) {
            sim.invariants.check(master == best, "clean timing elected " + master.id() + ", not " + best.id());
            sim.invariants.check(sim.revocations == 0, "clean timing needed a revocation");
        }
        sim.runUntil(deadline + 3 * cfg().probeInterval());
        expectAgreedMaster("after failover");
    }

    private void staleMaster(long from) {
        SimServer old = expectAgreedMaster("before pause");
        sim.runUntil(from + rng.nextInt((int) cfg().detectionInterval()));
        sim.pause(old.number);
        sim.runUntil(sim.now() + failoverBound());
        SimServer successor = expectAgreedAmongActive();
        sim.invariants.check(successor != old, "no new master while " + old.id() + " was paused");
        sim.resume(old.number);
        sim.runUntil(sim.now() + 2 * cfg().probeInterval() + 2 * sim.network.highestDelay());
        SimServer master = expectAgreedMaster("after resume");
        sim.invariants.check(master == successor, "the resumed stale master " + old.id() + " took over again");
        sim.invariants.check(old.node().role() != Role.MASTER, "stale master did not step down");
    }

    private void handover(long from) {
        SimServer old = expectAgreedMaster("before handover");
        SimServer best = null;
        for (SimServer s : sim.servers) {
            if (s != old && (best == null || s.index() < best.index())) {
                best = s;
            }
        }
        sim.resetCounts();
        sim.handOver(old.number, null);
        long agreedAt = runUntilAgreed(from + 4 * sim.network.highestDelay() + 2 * maxSkew + 1);
        sim.invariants.check(agreedAt >= 0, "handover did not settle within a few hops");
        sim.invariants.check(sim.agreedMaster() == best, "handover went to " + sim.agreedMaster().id());
        sim.invariants.check(sim.revocations == 0, "handover needed a revocation");
    }

    private void restart(long from) {
        SimServer old = expectAgreedMaster("before crash");
        sim.crash(old.number, rng.nextBoolean());
        sim.runUntil(from + failoverBound());
        SimServer successor = expectAgreedMaster("after crash");
        sim.start(old.number);
        long rejoin = cfg().discoveryWindow() + 4 * cfg().probeInterval();
        sim.runUntil(sim.now() + rejoin);
        SimServer master = expectAgreedMaster("after rejoin");
        if (!cfg().preempt()) {
            sim.invariants.check(master == successor, "returning " + old.id() + " preempted without preempt");
        } else {
            sim.runUntil(sim.now() + cfg().preemptDelay() + failoverBound());
            sim.invariants.check(sim.agreedMaster() == bestUp(), "preempt did not restore the best-ranked");
        }
    }

    /**
     * Every server crashes at once under write load (kill -9 or power cut), then they come back
     * one by one in a random order, the most stale first as often as not. The group must open only
     * once it has heard a majority, with every acknowledged write.
     */
    private void wholeGroupCrash(long from) {
        sim.runUntil(from + rng.nextInt(1_000));
        boolean powerCut = rng.nextBoolean();
        for (SimServer s : sim.servers) {
            sim.crash(s.number, powerCut);
        }
        List<SimServer> order = new ArrayList<>(sim.servers);
        Collections.shuffle(order, rng);
        if (rng.nextBoolean()) {
            order.sort((a, b) -> Long.compare(a.storage.applied().seq(), b.storage.applied().seq()));
        }
        long t = sim.now() + rng.nextInt(200);
        for (SimServer s : order) {
            int n = s.number;
            sim.at(t, () -> sim.start(n));
            t += rng.nextInt(2 * (int) cfg().probeInterval());
        }
        sim.runUntil(t + cfg().discoveryWindow() + 2 * failoverBound() + 4 * cfg().probeInterval());
        expectAgreedMaster("after the whole group restarted");
    }

    /**
     * The master is cut off from everybody (or a random minority with it): the majority side
     * elects, the minority side acknowledges nothing, and after the heal the old master rejoins.
     */
    private void partition(long from) {
        SimServer old = expectAgreedMaster("before the partition");
        sim.runUntil(from + rng.nextInt(500));
        List<Integer> minority = new ArrayList<>(List.of(old.number));
        List<Integer> others = new ArrayList<>();
        for (SimServer s : sim.servers) {
            if (s != old) {
                others.add(s.number);
            }
        }
        Collections.shuffle(others, rng);
        int largestMinority = size - (size / 2 + 1);
        int extra = rng.nextInt(largestMinority);
        for (int i = 0; i < extra; i++) {
            minority.add(others.remove(0));
        }
        sim.network.split(minority);
        sim.runUntil(sim.now() + failoverBound() + cfg().quorumWindow() + 2 * cfg().probeInterval());
        sim.invariants.check(old.node().role() != Role.MASTER, "the cut-off master " + old.id() + " is still master");
        SimServer majorityMaster = expectAgreedAmongActiveOutside(minority);
        sim.network.heal();
        sim.runUntil(sim.now() + cfg().discoveryWindow() + failoverBound() + 4 * cfg().probeInterval());
        SimServer healed = expectAgreedMaster("after the partition healed");
        sim.invariants.check(healed == majorityMaster && healed.node().epoch().equals(majorityMaster.node().epoch()),
                "the heal deposed the majority's master " + majorityMaster.id() + " for " + healed.id());
    }

    /**
     * The broker every server uses dies: each server loses its link, and finds the next broker a
     * little later than the others. A broker's failure is not a master's: nobody is elected.
     */
    private void brokerFault(long from) {
        SimServer master = expectAgreedMaster("before the broker fault");
        Epoch epoch = master.node().epoch();
        sim.runUntil(from + rng.nextInt(500));
        for (SimServer s : sim.servers) {
            sim.brokerFault(s.number, 20 + rng.nextInt(400));
        }
        sim.runUntil(sim.now() + 500 + failoverBound());
        SimServer after = expectAgreedMaster("after the broker fault");
        sim.invariants.check(after == master && after.node().epoch().equals(epoch),
                "a broker fault changed the master from " + master.id() + " in " + epoch + " to " + after.id() + " in "
                        + after.node().epoch());
    }

    /**
     * Links fail one way only: the master goes deaf (it hears nobody, everybody hears it), or mute
     * (nobody hears it, it hears everybody), or random links fail one way; on both topics, or on
     * one only. A deaf master steps down by check-quorum, a mute one when it hears its successor;
     * once healed, the group agrees on a master.
     */
    private void oneWayPartition(long from) {
        SimServer old = expectAgreedMaster("before the one-way partition");
        sim.runUntil(from + rng.nextInt(500));
        Set<Network.Path> paths = somePaths();
        int how = rng.nextInt(3);
        for (SimServer s : sim.servers) {
            if (s == old) {
                continue;
            }
            if (how == 0) {
                sim.network.cut(s.number, old.number, paths);
            } else if (how == 1) {
                sim.network.cut(old.number, s.number, paths);
            }
        }
        if (how == 2) {
            for (SimServer a : sim.servers) {
                for (SimServer b : sim.servers) {
                    if (a != b && rng.nextInt(4) == 0) {
                        sim.network.cut(a.number, b.number, paths);
                    }
                }
            }
        }
        sim.trace(old, () -> "links cut one way: " + sim.network.describeCuts(i -> sim.servers.get(i).id()));
        sim.runUntil(sim.now() + failoverBound() + onSlowestClock(cfg().quorumWindow() + 2 * cfg().probeInterval()));
        if (how < 2 && paths.equals(Network.BOTH)) {
            sim.invariants.check(old.node().role() != Role.MASTER, () -> "the " + (how == 0 ? "deaf" : "mute")
                    + " master " + old.id() + " is still master");
        }
        sim.network.heal();
        sim.runUntil(sim.now() + cfg().discoveryWindow() + failoverBound() + 4 * cfg().probeInterval());
        expectAgreedMaster("after the one-way partition healed");
    }

    /**
     * Two sides that cannot hear each other, both heard by the servers between them (a bridge),
     * on both topics or on one; the master on one side or among the bridges. Once healed, the
     * group agrees on a master.
     */
    private void bridge(long from) {
        SimServer old = expectAgreedMaster("before the bridge");
        sim.runUntil(from + rng.nextInt(500));
        List<Integer> order = new ArrayList<>();
        sim.servers.forEach(s -> order.add(s.number));
        Collections.shuffle(order, rng);
        int bridges = 1 + rng.nextInt(size - 2);
        List<Integer> sides = new ArrayList<>(order.subList(bridges, size));
        int leftSize = 1 + rng.nextInt(sides.size() - 1);
        List<Integer> left = sides.subList(0, leftSize);
        List<Integer> right = sides.subList(leftSize, sides.size());
        sim.network.bridge(left, right, somePaths());
        sim.trace(old, () -> "bridged: " + sim.network.describeCuts(i -> sim.servers.get(i).id()));
        sim.runUntil(sim.now() + failoverBound() + onSlowestClock(cfg().quorumWindow() + 2 * cfg().probeInterval()));
        sim.network.heal();
        sim.runUntil(sim.now() + cfg().discoveryWindow() + failoverBound() + 4 * cfg().probeInterval());
        expectAgreedMaster("after the bridge healed");
    }

    /** Both topics, most often; one of them now and then. */
    private Set<Network.Path> somePaths() {
        int roll = rng.nextInt(4);
        return roll < 2 ? Network.BOTH : Set.of(Network.Path.values()[roll - 2]);
    }

    /**
     * The master crashes on hosts whose clocks drift and whose timers fire late, some by a pause:
     * a single master is agreed within the failover bound those clocks and timers allow.
     */
    private void slowHosts(long from) {
        SimServer old = expectAgreedMaster("before the crash on slow hosts");
        long crashAt = from + rng.nextInt((int) (3 * cfg().detectionInterval()));
        sim.runUntil(crashAt);
        sim.crash(old.number, rng.nextBoolean());
        long agreedAt = runUntilAgreed(crashAt + failoverBound());
        sim.invariants.check(agreedAt >= 0,
                "no agreed master " + failoverBound() + " ms after the crash on slow hosts");
    }

    /**
     * fsyncs stall now and then on every host, some for seconds, and the master's next one
     * stalls for sure: writes wait or time out in doubt, a delivery thread inside a stalled fsync
     * holds its topic's messages, and nothing acknowledged is lost.
     */
    private void diskStall(long from) {
        expectAgreedMaster("before the stalls");
        for (SimServer s : sim.servers) {
            s.disk.stalls(0.02 + rng.nextDouble() * 0.2, 300 + rng.nextInt(2_701));
        }
        sim.runUntil(from + rng.nextInt(1_000));
        SimServer master = sim.agreedMaster();
        if (master != null) {
            sim.stallSync(master.number, 300 + rng.nextInt(2_701));
        }
        sim.runUntil(from + 3_000);
    }

    /**
     * An fsync fails under write load, on the master or on a follower, and the server carries on
     * as production's host leaves it; half the time an operator restarts it a while later (kill
     * -9 or power cut). No write whose fsync failed is acknowledged by its master, and none that
     * was acknowledged is lost.
     */
    private void diskFailure(long from) {
        SimServer master = expectAgreedMaster("before the fsync failure");
        sim.runUntil(from + rng.nextInt(1_000));
        SimServer victim = rng.nextBoolean() ? master : sim.servers.get(rng.nextInt(size));
        sim.failSync(victim.number);
        if (rng.nextBoolean()) {
            sim.runUntil(sim.now() + rng.nextInt(2_000));
            sim.crash(victim.number, rng.nextBoolean());
            sim.runUntil(sim.now() + rng.nextInt(500));
            sim.start(victim.number);
        }
        sim.runUntil(from + 3_000);
    }

    private void chaos(long from) {
        long end = from + 3_000 + rng.nextInt(3_000);
        sim.network.faults(rng.nextDouble() * 0.2, rng.nextDouble() * 0.1);
        List<Integer> paused = new ArrayList<>();
        for (long t = from; t < end; t += 50 + rng.nextInt(400)) {
            long when = t;
            int target = rng.nextInt(size);
            int what = rng.nextInt(15);
            sim.at(when, () -> disturb(what, target, paused));
        }
        sim.runUntil(end);
    }

    private void disturb(int what, int target, List<Integer> paused) {
        SimServer s = sim.servers.get(target);
        switch (what) {
            case 0 -> {
                if (s.up) {
                    sim.crash(target, rng.nextBoolean());
                } else {
                    sim.start(target);
                }
            }
            case 1 -> {
                if (s.up && !s.paused) {
                    sim.pause(target);
                    paused.add(target);
                } else if (s.paused) {
                    sim.resume(target);
                }
            }
            case 2 -> sim.network.isolate(target);
            case 3 -> {
                sim.network.heal();
                sim.network.faults(rng.nextDouble() * 0.2, rng.nextDouble() * 0.1);
            }
            case 4 -> sim.handOver(target, null);
            case 5 -> {
                sim.brokerFault(target, 10 + rng.nextInt(400));
                if (rng.nextBoolean()) {
                    sim.departed(target); // its broker lived on and saw the connection close
                }
            }
            case 6 -> sim.network.cut(target, (target + 1 + rng.nextInt(size - 1)) % size, somePaths());
            case 7 -> {
                List<Integer> others = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    if (i != target) {
                        others.add(i);
                    }
                }
                Collections.shuffle(others, rng);
                sim.network.bridge(List.of(target), others.subList(0, 1 + rng.nextInt(size - 2)), somePaths());
            }
            case 8 -> sim.stallSync(target, 200 + rng.nextInt(2_801));
            case 9 -> {
                if (rng.nextInt(5) == 0) {
                    sim.failSync(target);
                } else {
                    sim.network.faults(rng.nextDouble() * 0.2, rng.nextDouble() * 0.1);
                }
            }
            default -> sim.forge(target, forgery(target));
        }
    }

    /** A message no correct member could have sent. */
    private Message forgery(int target) {
        String victim = sim.servers.get(target).id();
        String member = sim.servers.get((target + 1) % size).id();
        int memberIndex = sim.server(member).index();
        int memberNumber = Index.slot(memberIndex);
        return switch (rng.nextInt(7)) {
            case 0 -> new Message.Declaration("intruder", new Epoch(1_000, 1));
            case 1 -> new Message.Declaration(member, new Epoch(1_000, memberNumber == 1 ? 2 : 1));
            case 2 -> new Message.Revocation(member, new Epoch(1_000, memberIndex), "nobody");
            case 3 -> new Message.Inquiry(member, new Epoch(1_000, size + 5), 1);
            case 4 -> new Message.Reply(member, Epoch.NONE, -3);
            case 5 -> new Message.Announcement(member, new Epoch(-1, 0), Role.MASTER, "x", Map.of(), false);
            default -> new Message.Declaration(victim, new Epoch(1_000, sim.server(victim).index()));
        };
    }

    /**
     * The group changes under write load (DESIGN.md §9): each spare joins as a learner, catches up
     * and is promoted, and members are removed (the master after a handover), while now and then
     * a change is troubled ({@link #troubleNextChange}: the master killed, cut off or paused, or
     * the whole group crashed) or a learner is killed during its catch-up. Every change
     * completes, one at a time; the invariants are checked against the configuration in force
     * throughout.
     */
    private void membership(long from) {
        sim.runUntil(from + rng.nextInt(500));
        for (SimServer spare : spareServers()) {
            troubleNextChange();
            change(new MembershipChange.AddLearner(new Seat(spare.id(), spare.config.members().get(spare.id()), "", false)));
            spare.outside = false;
            sim.start(spare.number);
            if (rng.nextInt(4) == 0) {
                sim.runUntil(sim.now() + rng.nextInt(300));
                sim.crash(spare.number, rng.nextBoolean());
                sim.runUntil(sim.now() + rng.nextInt(500));
                sim.start(spare.number);
            }
            troubleNextChange();
            change(new MembershipChange.Promote(spare.id()));
            if (rng.nextBoolean()) {
                removeOne();
            }
        }
        removeOne();
    }

    private List<SimServer> spareServers() {
        return sim.servers.subList(size, size + spares);
    }

    /**
     * Troubles the next change at a random moment, one time in two: kills the master (restarted a
     * while later), cuts it off with a random minority (healed a while later), pauses it, or
     * crashes the whole group (restarted one by one).
     */
    private void troubleNextChange() {
        int what = rng.nextInt(8);
        if (what >= 4) {
            return;
        }
        long later = failoverBound() + rng.nextInt(500);
        sim.at(sim.now() + rng.nextInt(200), () -> {
            SimServer master = openMaster();
            if (master == null) {
                return;
            }
            switch (what) {
                case 0 -> {
                    sim.crash(master.number, rng.nextBoolean());
                    sim.at(sim.now() + later, () -> restartUnlessRemoved(master));
                }
                case 1 -> {
                    List<Integer> minority = new ArrayList<>(List.of(master.number));
                    List<String> voters = new ArrayList<>(master.member.replica().configuration().voters());
                    Collections.shuffle(voters, rng);
                    for (String id : voters.subList(0, rng.nextInt((voters.size() - 1) / 2 + 1))) {
                        if (!id.equals(master.id())) {
                            minority.add(sim.server(id).number);
                        }
                    }
                    sim.network.split(minority);
                    sim.at(sim.now() + later, sim.network::heal);
                }
                case 2 -> {
                    sim.pause(master.number);
                    sim.at(sim.now() + later, () -> sim.resume(master.number));
                }
                default -> {
                    boolean powerCut = rng.nextBoolean();
                    for (SimServer s : sim.servers) {
                        if (s.up) {
                            sim.crash(s.number, powerCut);
                            sim.at(sim.now() + rng.nextInt((int) later), () -> restartUnlessRemoved(s));
                        }
                    }
                }
            }
        });
    }

    private void restartUnlessRemoved(SimServer s) {
        if (!s.up && !s.outside) {
            sim.start(s.number);
        }
    }

    /**
     * Removes a random voter, unless that would leave fewer than three: the master hands over
     * first, as an operator's removal of the master does ({@link #change}). The removed server is
     * then stopped.
     */
    private void removeOne() {
        SimServer master = waitForOpenMaster();
        List<String> voters = new ArrayList<>(master.member.replica().configuration().voters());
        if (voters.size() <= 3) {
            return;
        }
        SimServer victim = sim.server(voters.get(rng.nextInt(voters.size())));
        troubleNextChange();
        change(new MembershipChange.Remove(victim.id()));
        victim.outside = true;
        if (victim.up) {
            sim.crash(victim.number, false);
        }
    }

    /**
     * An operator's membership change, asked of the master until it is in the group's configuration
     * and committed: the master refuses it while another is under way, while a learner lags or
     * while it would cost the group its majority, and a change lost with a killed master is asked
     * again of the next one.
     */
    private void change(MembershipChange change) {
        long deadline = sim.now() + 4 * failoverBound() + 10_000;
        while (sim.now() < deadline) {
            SimServer master = openMaster();
            if (master != null && master.member.replica().readyForChange()) {
                Configuration current = master.member.replica().configuration();
                if (made(change, current)) {
                    return;
                }
                if (change instanceof MembershipChange.Remove && change.member().equals(master.id())) {
                    sim.handOver(master.number, null); // it became master again: hand over again
                } else if (ChangeCheck.refusal(change, current, view(master, change), false) == null) {
                    String command = ConfigurationMachine.change(change.applyTo(current));
                    sim.input(master, m -> m.propose(sim.clock(master), command));
                }
            }
            sim.runUntil(sim.now() + 20);
        }
        sim.invariants.check(false, "the membership change " + change + " did not complete");
    }

    private static boolean made(MembershipChange change, Configuration c) {
        if (change instanceof MembershipChange.AddLearner) {
            return c.has(change.member());
        } else if (change instanceof MembershipChange.Promote) {
            return c.isVoter(change.member());
        }
        return !c.has(change.member());
    }

    private ChangeCheck.View view(SimServer master, MembershipChange change) {
        List<String> heard = new ArrayList<>(master.node().livePeers(sim.clock(master)));
        heard.add(master.id());
        long acked = master.member.replica().ackedBy(change.member());
        long lag = acked < 0 ? -1 : master.storage.applied().seq() - acked;
        return new ChangeCheck.View(true, master.id(), heard, lag, 50, 1);
    }

    /** The active server open for writes in the newest epoch, or null. */
    private SimServer openMaster() {
        SimServer open = null;
        for (SimServer s : sim.servers) {
            if (s.active() && s.member.open() && (open == null || s.node().epoch().isNewerThan(open.node().epoch()))) {
                open = s;
            }
        }
        return open;
    }

    private SimServer waitForOpenMaster() {
        long deadline = sim.now() + 4 * failoverBound() + 5_000;
        while (openMaster() == null && sim.now() < deadline) {
            sim.runUntil(sim.now() + 20);
        }
        SimServer master = openMaster();
        sim.invariants.check(master != null, "no master opened for writes");
        return master;
    }

    // ---- helpers ------------------------------------------------------------------------

    /**
     * Once quiet, the group takes writes again: of a few written to the open master, one is
     * acknowledged within the replication time-out.
     */
    private void expectWritesCommit(String when) {
        int before = sim.ledger.acknowledged().size();
        long from = sim.now();
        long deadline = from + 500 + onSlowestClock(ackTimeout()) + 2 * Simulation.TICK + maxLag;
        sim.load(from, from + 500, 50);
        while (sim.now() < deadline && sim.ledger.acknowledged().size() == before) {
            sim.runUntil(sim.now() + Simulation.TICK);
        }
        sim.invariants.check(sim.ledger.acknowledged().size() > before, "the group acknowledged no write " + when);
    }

    private long ackTimeout() {
        return sim.servers.get(0).replication.ackTimeout();
    }

    private long runUntilAgreed(long deadline) {
        while (sim.now() < deadline) {
            sim.runUntil(sim.now() + 1);
            if (sim.agreedMaster() != null && sim.activeMasters().size() == 1) {
                return sim.now();
            }
        }
        return -1;
    }

    private SimServer bestUp() {
        SimServer best = null;
        for (SimServer s : sim.servers) {
            if (s.up && (best == null || s.index() < best.index())) {
                best = s;
            }
        }
        return best;
    }

    private SimServer expectAgreedMaster(String when) {
        SimServer master = sim.agreedMaster();
        sim.invariants.check(master != null && sim.activeMasters().size() == 1, "no single agreed master " + when);
        return master;
    }

    /** The master the servers outside {@code minority} agree on. */
    private SimServer expectAgreedAmongActiveOutside(List<Integer> minority) {
        SimServer agreed = null;
        for (SimServer s : sim.servers) {
            if (minority.contains(s.number)) {
                continue;
            }
            SimServer m = s.node().master() == null ? null : sim.server(s.node().master());
            sim.invariants.check(m != null && (agreed == null || agreed == m), "the majority side disagrees on its master");
            agreed = m;
        }
        sim.invariants.check(agreed != null && agreed.node().role() == Role.MASTER, "the majority side has no master");
        return agreed;
    }

    /** Like {@link #expectAgreedMaster} but ignoring paused servers, which cannot know yet. */
    private SimServer expectAgreedAmongActive() {
        SimServer agreed = null;
        for (SimServer s : sim.servers) {
            if (!s.active()) {
                continue;
            }
            SimServer m = s.node().master() == null ? null : sim.server(s.node().master());
            sim.invariants.check(m != null && (agreed == null || agreed == m), "active servers disagree on the master");
            agreed = m;
        }
        sim.invariants.check(agreed != null && agreed.active() && agreed.node().role() == Role.MASTER,
                "active servers follow no active master");
        return agreed;
    }
}

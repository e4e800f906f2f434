package io.regent.sim;

import io.regent.protocol.Epoch;
import io.regent.protocol.Index;
import io.regent.protocol.Message;
import io.regent.protocol.ProtocolConfig;
import io.regent.protocol.Role;
import io.regent.replication.AckMode;
import io.regent.replication.ReplicationConfig;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One seeded scenario: a group of random size and timing, started, settled, then put through
 * one kind of trouble while the invariants are checked at every step. The same seed replays
 * the same run.
 */
final class Scenario {

    enum Kind { CLEAN_CRASH, JITTER_CRASH, STALE_MASTER, HANDOVER, RESTART, WHOLE_GROUP_CRASH, PARTITION, BROKER_FAULT,
        CHAOS }

    /** What a crash scenario measured, for the scale table. */
    record Failover(long millis, long protocolMessages, long allMessages, long revocations) { }

    final long seed;
    final Kind kind;
    final int size;
    private final Random rng;
    private final List<ProtocolConfig> configs = new ArrayList<>();
    private final Simulation sim;
    private final long maxSkew;
    /** A scale-table run: no client load, so the message counts are the protocol's own. */
    private final boolean measured;
    private Failover failover;

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
        boolean clean = this.kind != Kind.JITTER_CRASH && this.kind != Kind.CHAOS;

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
            replication.add(new ReplicationConfig("s" + i, this.size, AckMode.MAJORITY, 2_000, 400, 1_024, 64 * 1024));
        }
        // clean timing: every delay within the floor the election delays are built from
        this.maxSkew = clean ? 1 : minHop / 2;
        // unclean timing: delays past the floor, yet a round trip still fits in the time-out
        long highest = clean ? Math.max(1, minHop * 8 / 10 - maxSkew) : Math.min(minHop * 3, timeout / 2 - maxSkew);
        Network network = new Network(rng, this.size, 1, highest);
        this.sim = new Simulation(seed, rng, configs, replication, 5 + rng.nextInt(30), network, maxSkew,
                1 + rng.nextInt(4));
        sim.invariants.waitingBound(electionDelayBound() + quorumWindow + 1);
    }

    private Kind pickKind() {
        int roll = rng.nextInt(100);
        if (roll < 22) {
            return Kind.CLEAN_CRASH;
        } else if (roll < 34) {
            return Kind.JITTER_CRASH;
        } else if (roll < 46) {
            return Kind.STALE_MASTER;
        } else if (roll < 54) {
            return Kind.HANDOVER;
        } else if (roll < 62) {
            return Kind.RESTART;
        } else if (roll < 72) {
            return Kind.WHOLE_GROUP_CRASH;
        } else if (roll < 80) {
            return Kind.PARTITION;
        } else if (roll < 86) {
            return Kind.BROKER_FAULT;
        }
        return Kind.CHAOS;
    }

    Failover failover() {
        return failover;
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
        boolean pauses = kind == Kind.CHAOS || kind == Kind.STALE_MASTER;
        long worst = pauses ? cfg().replyTimeout() : Math.min(cfg().replyTimeout(), sim.network.highestDelay());
        return Math.max(cfg().minHop(), worst);
    }

    /** The largest election delay any server can compute. */
    private long electionDelayBound() {
        return cfg().electionBase() + cfg().detectionSkew() + (long) (size - 1) * hopBound();
    }

    /**
     * Crash to agreed master: detection (one tick of skew, K ticks, the time-out), the largest
     * election delay, and the declaration's hop (plus a revocation's, with unclean timing).
     */
    long failoverBound() {
        ProtocolConfig c = cfg();
        long hops = kind == Kind.JITTER_CRASH ? 3 : 1;
        return (c.misses() + 1) * c.detectionInterval() + c.replyTimeout() + electionDelayBound()
                + hops * sim.network.highestDelay() + 2 * maxSkew + 1;
    }

    // ---- the run ------------------------------------------------------------------------

    void run() {
        long settled = startAll();
        // clients write all along, unless the scenario measures the protocol's own messages
        long loadUntil = settled + 3_000;
        if (!measured) {
            sim.load(settled - cfg().probeInterval(), loadUntil, 10 + rng.nextInt(50));
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
        }
        quiesce(Math.max(loadUntil, sim.now()));
    }

    /** Clients stop; everything comes back; once quiet, every server holds the same state. */
    private void quiesce(long from) {
        sim.network.heal();
        for (SimServer s : sim.servers) {
            if (s.paused) {
                sim.resume(s.number);
            }
            if (!s.up) {
                sim.start(s.number);
            }
        }
        sim.runUntil(from + cfg().discoveryWindow() + 2 * failoverBound() + 6 * cfg().probeInterval() + 1_000);
        expectAgreedMaster("once quiet");
        sim.invariants.converged();
    }

    private long startAll() {
        for (int i = 0; i < size; i++) {
            int server = i;
            sim.at(rng.nextInt(50), () -> sim.start(server));
        }
        long settled = cfg().discoveryWindow() + 50 + electionDelayBound() + 5 * sim.network.highestDelay()
                + cfg().probeInterval();
        sim.runUntil(settled);
        SimServer master = expectAgreedMaster("after start");
        if (kind != Kind.CHAOS && kind != Kind.JITTER_CRASH) {
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

    private void chaos(long from) {
        long end = from + 3_000 + rng.nextInt(3_000);
        sim.network.faults(rng.nextDouble() * 0.2, rng.nextDouble() * 0.1);
        List<Integer> paused = new ArrayList<>();
        for (long t = from; t < end; t += 50 + rng.nextInt(400)) {
            long when = t;
            int target = rng.nextInt(size);
            int what = rng.nextInt(11);
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

    // ---- helpers ------------------------------------------------------------------------

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

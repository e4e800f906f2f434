package io.regent.sim;

import io.regent.protocol.Effect;
import io.regent.protocol.Event;
import io.regent.protocol.Message;
import io.regent.protocol.Node;
import io.regent.protocol.ProtocolConfig;
import io.regent.protocol.Role;
import io.regent.protocol.TimerKind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Discrete-event simulation of a group: a virtual clock, simulated hosts, a simulated network,
 * and the invariants checked after every single input a node processes.
 */
final class Simulation {

    private record Pending(long at, long order, Runnable action) { }

    final long seed;
    final Random rng;
    final Network network;
    final List<SimServer> servers = new ArrayList<>();
    final Invariants invariants;
    private final Map<String, SimServer> byId = new HashMap<>();
    private final PriorityQueue<Pending> queue = new PriorityQueue<>(
            (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
    private long order;
    private long now;

    /** Messages sent (one count per receiver) by type since {@link #resetCounts}. */
    final Map<String, Long> sent = new HashMap<>();
    long revocations;
    long handled;

    Simulation(long seed, Random rng, List<ProtocolConfig> configs, Network network, long maxSkew) {
        this.seed = seed;
        this.rng = rng;
        this.network = network;
        for (int i = 0; i < configs.size(); i++) {
            long skew = maxSkew == 0 ? 0 : rng.nextLong(maxSkew + 1);
            SimServer s = new SimServer(i, configs.get(i), skew);
            servers.add(s);
            byId.put(s.id(), s);
        }
        this.invariants = new Invariants(this);
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
        s.node = new Node(s.config);
        s.up = true;
        s.paused = false;
        s.backlog.clear();
        s.timerTokens.clear();
        input(s, n -> n.start(clock(s)));
    }

    void crash(int i) {
        SimServer s = servers.get(i);
        s.up = false;
        s.paused = false;
        s.backlog.clear();
        s.timerTokens.clear();
        invariants.crashed(s);
    }

    void pause(int i) {
        servers.get(i).paused = true;
        invariants.paused(servers.get(i));
    }

    void resume(int i) {
        SimServer s = servers.get(i);
        s.paused = false;
        while (s.active() && !s.backlog.isEmpty()) {
            s.backlog.poll().run();
        }
    }

    void handOver(int i, String target) {
        SimServer s = servers.get(i);
        if (s.active()) {
            input(s, n -> n.handOver(clock(s), target));
        }
    }

    /** Delivers a message that no member sent, as if forged on the wire. */
    void forge(int to, Message forged) {
        SimServer s = servers.get(to);
        if (s.active()) {
            invariants.forged(s, () -> input(s, n -> n.receive(clock(s), forged)));
        }
    }

    // ---- plumbing -----------------------------------------------------------------------

    private long clock(SimServer s) {
        return now + s.clockOffset;
    }

    private void input(SimServer s, Consumer<Node> step) {
        step.accept(s.node);
        handled++;
        for (Effect e : s.node.drain()) {
            apply(s, e);
        }
        invariants.afterStep(s);
    }

    private void apply(SimServer s, Effect e) {
        if (e instanceof Effect.Send send) {
            for (SimServer to : servers) {
                boolean addressed = send.broadcast() ? to != s : to.id().equals(send.to());
                if (addressed) {
                    transmit(s, to, send.message());
                }
            }
        } else if (e instanceof Effect.SetTimer t) {
            s.timerTokens.put(t.kind(), t.token());
            scheduleTimer(s, s.node, t.kind(), t.token(), now + t.delay(), t.period());
        } else if (e instanceof Effect.CancelTimer c) {
            s.timerTokens.remove(c.kind());
        } else if (e instanceof Effect.Notice n && n.event() instanceof Event.Revoked) {
            revocations++;
        }
    }

    private void transmit(SimServer from, SimServer to, Message m) {
        sent.merge(m.getClass().getSimpleName(), 1L, Long::sum);
        if (!network.delivers(from.number, to.number)) {
            return;
        }
        int copies = network.duplicates() ? 2 : 1;
        for (int c = 0; c < copies; c++) {
            Node target = to.node;
            at(now + network.delay(from.number, to.number), () -> arrive(to, target, m));
        }
    }

    private void arrive(SimServer s, Node target, Message m) {
        if (!s.up || s.node != target) {
            return;
        }
        Runnable step = () -> {
            invariants.beforeReceive(s, m);
            input(s, n -> n.receive(clock(s), m));
            invariants.afterReceive(s, m);
        };
        if (s.paused) {
            s.backlog.add(step);
        } else {
            step.run();
        }
    }

    private void scheduleTimer(SimServer s, Node owner, TimerKind kind, long token, long due, long period) {
        at(due, () -> {
            Long current = s.timerTokens.get(kind);
            if (!s.up || s.node != owner || current == null || current != token) {
                return;
            }
            if (period > 0) {
                scheduleTimer(s, owner, kind, token, due + period, period);
            }
            Runnable step = () -> input(s, n -> n.fire(clock(s), kind, token));
            if (s.paused) {
                s.backlog.add(step);
            } else {
                step.run();
            }
        });
    }

    // ---- views --------------------------------------------------------------------------

    SimServer server(String id) {
        return byId.get(id);
    }

    List<SimServer> activeMasters() {
        List<SimServer> masters = new ArrayList<>();
        for (SimServer s : servers) {
            if (s.up && s.node.role() == Role.MASTER) {
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
            String m = s.node.master();
            if (m == null || (agreed != null && !agreed.equals(m))) {
                return null;
            }
            agreed = m;
        }
        SimServer master = agreed == null ? null : byId.get(agreed);
        return master != null && master.up && master.node.role() == Role.MASTER ? master : null;
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
                b.append(String.format(" role=%s epoch=%s master=%s", s.node.role(), s.node.epoch(), s.node.master()));
            }
        }
        return b.toString();
    }
}

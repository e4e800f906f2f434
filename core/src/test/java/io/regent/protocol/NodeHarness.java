package io.regent.protocol;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Drives one Node by hand: remembers its timers and what it sent, for claim-by-claim tests. */
final class NodeHarness {

    static final Map<String, Integer> GROUP = Map.of("s1", 1, "s2", 2, "s3", 3);

    final Node node;
    final Map<TimerKind, Effect.SetTimer> timers = new EnumMap<>(TimerKind.class);
    final List<Effect.Send> sent = new ArrayList<>();
    final List<Event> events = new ArrayList<>();
    /** Every effect in order, for rules about what must happen before what. */
    final List<Effect> all = new ArrayList<>();
    long now = 1_000;

    NodeHarness(ProtocolConfig config) {
        this(config, Epoch.NONE);
    }

    NodeHarness(ProtocolConfig config, Epoch restored) {
        this.node = new Node(config, restored);
    }

    /** A server whose history holds {@code configuration} rather than the bootstrap one. */
    NodeHarness(ProtocolConfig config, Configuration configuration) {
        this.node = new Node(config, Epoch.NONE, configuration);
    }

    /** One miss makes a suspicion, so each rule shows in as few steps as possible. */
    static NodeHarness of(String self) {
        return new NodeHarness(config(self, 1, false));
    }

    static ProtocolConfig config(String self, int misses, boolean preempt) {
        ProtocolConfig d = ProtocolConfig.defaults(self, GROUP);
        return new ProtocolConfig(self, "http://" + self, GROUP, d.detectionInterval(), d.replyTimeout(), misses,
                d.electionBase(), d.minHop(), d.probeInterval(), d.discoveryWindow(), preempt, 300, d.delayHistory(),
                d.quorumWindow());
    }

    NodeHarness start() {
        node.start(now);
        collect();
        return this;
    }

    NodeHarness receive(Message m) {
        node.receive(now, m);
        collect();
        return this;
    }

    NodeHarness reconfigure(Configuration next) {
        node.reconfigure(now, next);
        collect();
        return this;
    }

    NodeHarness departed(String peer) {
        node.departed(now, peer);
        collect();
        return this;
    }

    /** Fires the pending timer of {@code kind} after advancing the clock by its delay. */
    NodeHarness fire(TimerKind kind) {
        Effect.SetTimer t = timers.get(kind);
        if (t == null) {
            throw new AssertionError("no " + kind + " timer pending");
        }
        now += t.delay();
        if (t.period() == 0) {
            timers.remove(kind);
        }
        node.fire(now, kind, t.token());
        collect();
        return this;
    }

    NodeHarness advance(long millis) {
        now += millis;
        return this;
    }

    boolean pending(TimerKind kind) {
        return timers.containsKey(kind);
    }

    /** Makes this node a backup of {@code master} (at epoch term 1 of that master). */
    NodeHarness following(String master) {
        start();
        receive(new Message.Declaration(master, new Epoch(1, GROUP.get(master))));
        // answer the first inquiry so the node has joined
        fire(TimerKind.DETECTION);
        receive(new Message.Reply(master, node.epoch(), lastInquirySeq()));
        clear();
        return this;
    }

    /** Makes this node master at term 1 (it hears s2, so with itself it has a majority of three). */
    NodeHarness asMaster() {
        start();
        fire(TimerKind.DISCOVERY);
        receive(new Message.Probe(peer(), Epoch.NONE, now));
        win();
        clear();
        return this;
    }

    /** The election timer runs out and a peer supports the candidacy: with it, a majority of three. */
    NodeHarness win() {
        fire(TimerKind.ELECTION);
        return receive(new Message.Support(peer(), node.epoch(), self()));
    }

    private String peer() {
        return self().equals("s3") ? "s2" : "s3";
    }

    String self() {
        return node.self();
    }

    long lastInquirySeq() {
        for (int i = sent.size() - 1; i >= 0; i--) {
            if (sent.get(i).message() instanceof Message.Inquiry q) {
                return q.seq();
            }
        }
        throw new AssertionError("no inquiry sent");
    }

    <T extends Message> List<T> sentOf(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Effect.Send s : sent) {
            if (type.isInstance(s.message())) {
                out.add(type.cast(s.message()));
            }
        }
        return out;
    }

    void clear() {
        sent.clear();
        events.clear();
    }

    private void collect() {
        for (Effect e : node.drain()) {
            all.add(e);
            if (e instanceof Effect.SetTimer t) {
                timers.put(t.kind(), t);
            } else if (e instanceof Effect.CancelTimer c) {
                timers.remove(c.kind());
            } else if (e instanceof Effect.Send s) {
                sent.add(s);
            } else if (e instanceof Effect.Notice n) {
                events.add(n.event());
            }
        }
    }
}

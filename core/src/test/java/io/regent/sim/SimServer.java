package io.regent.sim;

import io.regent.member.Member;
import io.regent.member.RoleSequence;
import io.regent.protocol.Configuration;
import io.regent.protocol.Epoch;
import io.regent.protocol.Node;
import io.regent.protocol.ProtocolConfig;
import io.regent.protocol.TimerKind;
import io.regent.replication.MemoryStorage;
import io.regent.replication.ReplicationConfig;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Map;

/**
 * A simulated host: a {@link Member}, its disk (a {@link MemoryStorage} and the persisted epoch,
 * both kept across crashes, and how its fsyncs go), its up/paused state, its clock, its timers
 * and its group commit.
 */
final class SimServer {

    final int number;
    final ProtocolConfig config;
    final ReplicationConfig replication;
    final HostClock clock;
    final SimDisk disk;
    /** How late this host's timers fire. */
    TimerLag lag = TimerLag.PUNCTUAL;
    final Map<TimerKind, Long> timerTokens = new EnumMap<>(TimerKind.class);
    /** Inputs that arrived while paused, processed in order on resume (as a SIGCONT'd JVM does). */
    final Deque<Runnable> backlog = new ArrayDeque<>();
    /** Messages each topic's session holds while its delivery thread is inside an fsync. */
    private final Map<Network.Path, Deque<Runnable>> held = new EnumMap<>(Network.Path.class);
    Member member;
    MemoryStorage storage;
    Epoch persistedEpoch = Epoch.NONE;
    /** Changes at every start and crash, so that what was under way for an earlier life is dropped. */
    long incarnation;
    boolean up;
    boolean paused;
    /** This life's group commit. */
    SimGroupCommit commit;
    /** Whether the member was open for writes after its last input. */
    boolean wasOpen;
    /** What this life's applications were told of its mastership, as the Liberty host tells them. */
    RoleSequence roles = new RoleSequence();
    /** The configuration that stands until its state records one: a new group's, or a joiner's. */
    Configuration bootstrap;
    /** Not in the group: a spare not added yet, or a member removed (and stopped for good). */
    boolean outside;

    SimServer(int number, ProtocolConfig config, ReplicationConfig replication, MemoryStorage storage, HostClock clock,
            SimDisk disk) {
        this.number = number;
        this.config = config;
        this.replication = replication;
        this.storage = storage;
        this.clock = clock;
        this.disk = disk;
        this.bootstrap = Configuration.bootstrap(config.members(), config.memberUrls());
        for (Network.Path p : Network.Path.values()) {
            held.put(p, new ArrayDeque<>());
        }
    }

    String id() {
        return config.self();
    }

    int index() {
        return config.index();
    }

    Node node() {
        return member.node();
    }

    /** Up and not paused: its inputs are processed as they come. */
    boolean active() {
        return up && !paused;
    }

    Deque<Runnable> held(Network.Path path) {
        return held.get(path);
    }

    /** A new life delivers nothing an earlier one's sessions held. */
    void clearHeld() {
        held.values().forEach(Deque::clear);
    }
}

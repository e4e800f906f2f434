package io.regent.sim;

import io.regent.member.Member;
import io.regent.protocol.Epoch;
import io.regent.protocol.Node;
import io.regent.protocol.ProtocolConfig;
import io.regent.protocol.TimerKind;
import io.regent.replication.MemoryStorage;
import io.regent.replication.Position;
import io.regent.replication.ReplicationConfig;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Map;

/**
 * A simulated host: a {@link Member}, its disk (a {@link MemoryStorage} and the persisted epoch,
 * both kept across crashes), its up/paused state, its clock offset and its timers.
 */
final class SimServer {

    final int number;
    final ProtocolConfig config;
    final ReplicationConfig replication;
    final long clockOffset;
    final Map<TimerKind, Long> timerTokens = new EnumMap<>(TimerKind.class);
    /** Inputs that arrived while paused, processed in order on resume (as a SIGCONT'd JVM does). */
    final Deque<Runnable> backlog = new ArrayDeque<>();
    Member member;
    MemoryStorage storage;
    Epoch persistedEpoch = Epoch.NONE;
    /** Changes at every start and crash, so that what was under way for an earlier life is dropped. */
    long incarnation;
    boolean up;
    boolean paused;
    /** The disk: the latest position asked to be made durable, and whether a sync is under way. */
    Position persistWanted;
    boolean syncing;
    /** Whether the member was open for writes after its last input. */
    boolean wasOpen;

    SimServer(int number, ProtocolConfig config, ReplicationConfig replication, MemoryStorage storage, long clockOffset) {
        this.number = number;
        this.config = config;
        this.replication = replication;
        this.storage = storage;
        this.clockOffset = clockOffset;
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
}

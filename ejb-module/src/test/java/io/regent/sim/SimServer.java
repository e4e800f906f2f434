package io.regent.sim;

import io.regent.protocol.Node;
import io.regent.protocol.ProtocolConfig;
import io.regent.protocol.TimerKind;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Map;

/** A simulated host: a node, its up/paused state, its clock offset and its timers. */
final class SimServer {

    final int number;
    final ProtocolConfig config;
    final long clockOffset;
    final Map<TimerKind, Long> timerTokens = new EnumMap<>(TimerKind.class);
    /** Inputs that arrived while paused, processed in order on resume (as a SIGCONT'd JVM does). */
    final Deque<Runnable> backlog = new ArrayDeque<>();
    Node node;
    boolean up;
    boolean paused;

    SimServer(int number, ProtocolConfig config, long clockOffset) {
        this.number = number;
        this.config = config;
        this.clockOffset = clockOffset;
    }

    String id() {
        return config.self();
    }

    int index() {
        return config.selfIndex();
    }

    /** Up and not paused: its inputs are processed as they come. */
    boolean active() {
        return up && !paused;
    }
}

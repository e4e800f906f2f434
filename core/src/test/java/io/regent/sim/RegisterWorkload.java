package io.regent.sim;

import io.regent.history.History;
import io.regent.history.Operation;
import io.regent.history.Request;
import io.regent.kv.KvCommand;
import io.regent.replication.Proposal;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Clients of a few keys beside the unique-key writers, so that the linearizability checker can
 * judge what each consistency answers under the scenario's faults: overwrites, compare-and-sets
 * on the version last seen, deletes, and reads at each consistency, every one recorded in a
 * {@link History} timed by the simulation's clock (the one clock all clients share; a host's
 * drifts). Each client sends one request at a time, a seeded random while after its last
 * outcome. Writes and linearizable reads go where the unique-key writes go (the server open for
 * writes, else any); default reads there or to any server; {@code min-seq} reads to any server,
 * naming the client's last acknowledged position. Its choices draw on a random of its own,
 * seeded from the scenario's, so that a seed replays them.
 */
final class RegisterWorkload {

    /** The register keys: few, so that clients contend on each. */
    static final List<String> KEYS = List.of("r0", "r1", "r2");
    private static final int CLIENTS = 3;
    /** How long a client waits for an answer before it gives up (as the system tests' register clients do). */
    private static final long CLIENT_TIMEOUT = 5_000;
    /** The longest a client waits between an outcome and its next request, ms. */
    private static final int MAX_PAUSE = 250;

    private final Simulation sim;
    private final Random random;
    private final History history;
    private final List<RegisterClient> clients = new ArrayList<>();
    private long until = Long.MAX_VALUE;
    private long tickets;
    /** The millisecond {@link #nanos} last read, and how many times within it. */
    private long clockMillis = -1;
    private int withinMillis;

    RegisterWorkload(Simulation sim) {
        this.sim = sim;
        this.random = new Random(sim.seed * 0x9E3779B97F4A7C15L + 0x5DEECE66DL);
        this.history = new History(this::nanos);
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(new RegisterClient(i));
        }
    }

    /** Each client sends its first request a little after {@code from}. */
    void start(long from) {
        for (RegisterClient c : clients) {
            sim.at(from + random.nextInt(MAX_PAUSE), () -> send(c));
        }
    }

    /** No client sends a request from {@code time} on; those under way still get their outcomes. */
    void stopAt(long time) {
        until = time;
    }

    /** The history so far; a request still under way is unknown, with no response time. */
    List<Operation> operations() {
        return history.operations();
    }

    private void send(RegisterClient c) {
        if (sim.now() >= until) {
            return;
        }
        Request request = c.next(random, KEYS);
        SimServer server = switch (request.kind()) {
            case READ -> switch (request.consistency()) {
                case LINEARIZABLE -> sim.writeTarget(random);
                case COMMITTED -> random.nextBoolean() ? sim.writeTarget(random) : anyServer();
                case MIN_SEQ -> anyServer();
            };
            default -> sim.writeTarget(random);
        };
        ClientRequest r = new ClientRequest(c, request, server, history.invoke(c.id, request), this::completed);
        sim.owed.sent(r);
        long patience = request.kind() == Request.Kind.READ && request.consistency() == Request.Consistency.MIN_SEQ
                ? server.replication.ackTimeout() // the server's own wait for the position
                : CLIENT_TIMEOUT;
        sim.at(sim.now() + patience, r::unknown);
        boolean reached = sim.request(server, () -> {
            if (request.kind().isWrite()) {
                propose(r);
            } else {
                read(r);
            }
        });
        if (!reached) {
            r.failed(); // connection refused: nothing was sent
        }
    }

    private void propose(ClientRequest r) {
        Request q = r.request;
        Long ifVersion = q.kind().isConditional() ? q.expectedVersion() : null;
        String command = (q.kind().writesValue() ? KvCommand.put(q.key(), q.value(), ifVersion)
                : KvCommand.delete(q.key(), ifVersion)).encode();
        sim.input(r.server, m -> {
            Proposal p = m.propose(sim.clock(r.server), command);
            if (p instanceof Proposal.Accepted a) {
                sim.owed.proposed(r, a);
            } else {
                r.failed(); // not sequenced: not the master, syncing, busy or refused
            }
        });
    }

    private void read(ClientRequest r) {
        switch (r.request.consistency()) {
            case LINEARIZABLE -> sim.input(r.server, m -> {
                long ticket = ++tickets;
                if (m.read(sim.clock(r.server), ticket)) {
                    sim.owed.reading(r, ticket);
                } else {
                    r.failed(); // not the open master: a 307 or a 503
                }
            });
            case COMMITTED -> CommittedRead.answer(r.server, r);
            case MIN_SEQ -> {
                if (CommittedRead.reached(r.server, r.request.minSeq())) {
                    CommittedRead.answer(r.server, r);
                } else {
                    sim.owed.waiting(r, r.request.minSeq());
                }
            }
        }
    }

    /**
     * The history's clock: the simulation's millisecond, and within it the order in which things
     * happened (the simulation runs one event at a time), so that whatever was answered before
     * another request was sent precedes it for the checker, even within the same millisecond.
     */
    private long nanos() {
        long millis = sim.now();
        if (millis != clockMillis) {
            clockMillis = millis;
            withinMillis = 0;
        }
        return millis * 1_000_000 + Math.min(++withinMillis, 999_999);
    }

    private SimServer anyServer() {
        return sim.servers.get(random.nextInt(sim.servers.size()));
    }

    /** The client has its outcome: the server owes it nothing more, and it sends its next request a while later. */
    private void completed(ClientRequest r) {
        sim.owed.settled(r);
        sim.trace(r.server, () -> "register client c" + r.client.id + ": "
                + history.operations().get(indexOf(r)).describe(0));
        sim.at(sim.now() + 1 + random.nextInt(MAX_PAUSE), () -> send(r.client));
    }

    private int indexOf(ClientRequest r) {
        List<Operation> ops = history.operations();
        for (int i = ops.size() - 1; i >= 0; i--) {
            if (ops.get(i).client() == r.client.id && ops.get(i).request() == r.request) {
                return i;
            }
        }
        throw new AssertionError("no operation for " + r.request.describe());
    }
}

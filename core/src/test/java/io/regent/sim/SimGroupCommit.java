package io.regent.sim;

import io.regent.replication.Position;
import io.regent.replication.StorageException;

/**
 * One life of a server's group commit, as {@code io.regent.host.GroupCommit} runs it: what the
 * member asked to make durable, at most one fsync at a time, and which thread runs it. The thread
 * whose input asked runs the fsync once the input is carried out, unless one is under way; what
 * is asked meanwhile is left for the group commit's own thread when that fsync returns. A topic's
 * delivery thread that runs an fsync delivers nothing more until it returns.
 *
 * <p>A failed fsync is what production makes of it: {@code DiskStorage.sync} throws, so the
 * member is never told that position is durable and the position is forgotten (only a later
 * request asks again); the exception leaves through the thread that ran it, and when that was the
 * group commit's own thread, the thread ends, so later leftovers wait for an input that asks.
 */
final class SimGroupCommit {

    private final Simulation sim;
    private final SimServer server;
    private final long life;
    private Position wanted;
    /** The input under way asked for durability (MemberHost's {@code syncAsked}). */
    private boolean asked;
    private boolean syncing;
    /** Whether the group commit's own thread still runs. */
    private boolean committerAlive = true;
    /** The topic whose delivery thread is inside the fsync under way, or null. */
    private Network.Path holding;

    SimGroupCommit(Simulation sim, SimServer server) {
        this.sim = sim;
        this.server = server;
        this.life = server.incarnation;
    }

    /** The member asked for everything applied up to {@code p} to be made durable. */
    void request(Position p) {
        wanted = p;
        asked = true;
    }

    /**
     * The host carried out an input on {@code thread} (a topic's delivery thread, or null for any
     * other): if it asked for durability, that thread runs the fsync unless one is under way.
     */
    void inputDone(Network.Path thread) {
        boolean run = asked;
        asked = false;
        if (run && !syncing && wanted != null) {
            sync(thread, false);
        }
    }

    /** Whether {@code path}'s delivery thread is inside an fsync. */
    boolean holds(Network.Path path) {
        return holding == path;
    }

    private void sync(Network.Path thread, boolean committer) {
        Position target = wanted;
        wanted = null;
        syncing = true;
        holding = thread;
        long took = server.disk.syncTime();
        boolean fails = server.disk.syncFails();
        if (server.disk.stalled(took)) {
            String runner = committer ? "the group commit's thread" : thread == null ? "its input's thread"
                    : "the " + thread + " delivery thread";
            sim.trace(server, () -> "fsync up to " + target + " stalls for " + took + " ms on " + runner);
        }
        sim.at(sim.now() + took, () -> {
            if (server.incarnation != life) {
                return;
            }
            Runnable done = () -> finish(target, fails, committer, thread);
            if (server.paused) {
                server.backlog.add(done);
            } else {
                done.run();
            }
        });
    }

    private void finish(Position target, boolean fails, boolean committer, Network.Path thread) {
        try {
            if (fails) {
                server.storage.failSync();
            }
            server.storage.sync();
            sim.durable(server, target);
        } catch (StorageException e) {
            sim.syncFailed(server, target, e);
            committerAlive &= !committer;
        } finally {
            syncing = false;
            holding = null;
        }
        if (committerAlive && wanted != null) {
            sync(null, true);
        }
        if (thread != null) {
            sim.released(server, thread);
        }
    }
}

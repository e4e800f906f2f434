package io.regent.sim;

import io.regent.protocol.Epoch;
import io.regent.protocol.Message;
import io.regent.protocol.Role;

import java.util.HashMap;
import java.util.Map;

/**
 * The invariants of DESIGN.md §6 (and issue 3) that hold at every step, whatever the faults.
 * A violation throws with the seed, so the run can be replayed.
 */
final class Invariants {

    private final Simulation sim;
    private final Map<Epoch, String> masterOfEpoch = new HashMap<>();
    private final Map<String, Long> waitingSince = new HashMap<>();
    private final Map<Object, Epoch> lastEpoch = new java.util.IdentityHashMap<>();
    private long waitingBound = Long.MAX_VALUE;

    Invariants(Simulation sim) {
        this.sim = sim;
    }

    /** No server may stay WAITING longer than this (its election delay bounds it). */
    void waitingBound(long bound) {
        this.waitingBound = bound;
    }

    void afterStep(SimServer s) {
        // 1. at most one master per epoch; a master's epoch is one it declared itself
        for (SimServer other : sim.servers) {
            if (!other.up || other.node.role() != Role.MASTER) {
                continue;
            }
            Epoch e = other.node.epoch();
            check(e.index() == other.index(), other.id() + " is master in epoch " + e + " it did not declare");
            String first = masterOfEpoch.putIfAbsent(e, other.id());
            check(first == null || first.equals(other.id()),
                    "two masters in epoch " + e + ": " + first + " and " + other.id());
        }
        // fencing: a server's epoch never goes back (a restart starts a new node)
        Epoch previous = lastEpoch.put(s.node, s.node.epoch());
        check(previous == null || !s.node.epoch().isOlderThan(previous),
                s.id() + " went back from epoch " + previous + " to " + s.node.epoch());
        // 5. nobody stays WAITING for ever
        if (s.node.role() == Role.WAITING && !s.paused) {
            long since = waitingSince.computeIfAbsent(s.id(), id -> sim.now());
            check(sim.now() - since <= waitingBound, s.id() + " WAITING for " + (sim.now() - since) + " ms");
        } else {
            waitingSince.remove(s.id());
        }
    }

    void crashed(SimServer s) {
        waitingSince.remove(s.id());
    }

    /** A paused server's clock of WAITING restarts when it runs again. */
    void paused(SimServer s) {
        waitingSince.remove(s.id());
    }

    private Epoch epochBefore;

    void beforeReceive(SimServer s, Message m) {
        epochBefore = s.node.epoch();
    }

    /** 4. a master that processed a message of a newer epoch is no longer master in its old one. */
    void afterReceive(SimServer s, Message m) {
        if (s.up && s.node.role() == Role.MASTER && m.epoch().isNewerThan(epochBefore)) {
            check(s.node.epoch().isNewerThan(epochBefore),
                    s.id() + " stayed master of " + epochBefore + " after a message of epoch " + m.epoch());
        }
    }

    /** 5. a forged or malformed message changes nothing but the drop counter. */
    void forged(SimServer s, Runnable delivery) {
        Role role = s.node.role();
        Epoch epoch = s.node.epoch();
        String master = s.node.master();
        long dropped = s.node.dropped();
        delivery.run();
        check(s.node.role() == role && s.node.epoch().equals(epoch)
                && java.util.Objects.equals(s.node.master(), master), "a forged message changed " + s.id());
        check(s.node.dropped() == dropped + 1, "a forged message was not counted as dropped by " + s.id());
    }

    void check(boolean ok, String violation) {
        if (!ok) {
            throw new AssertionError(violation + " at t=" + sim.now() + " (seed " + sim.seed + ")" + sim.describe());
        }
    }
}

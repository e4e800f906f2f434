package io.regent.sim;

import io.regent.kv.KeyValueStore;
import io.regent.member.RoleSequence;
import io.regent.protocol.Configuration;
import io.regent.protocol.Epoch;
import io.regent.protocol.Message;
import io.regent.protocol.Role;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The invariants of DESIGN.md §5 that hold at every step, whatever the faults. A violation throws
 * with the seed, so the run can be replayed.
 */
final class Invariants {

    private final Simulation sim;
    private final Map<Epoch, String> masterOfEpoch = new HashMap<>();
    private final Map<Epoch, String> openInEpoch = new HashMap<>();
    private final Map<String, Long> waitingSince = new HashMap<>();
    private final Map<String, Epoch> lastEpoch = new HashMap<>();
    /** The configuration each server's history held last. */
    private final Map<String, Configuration> configurations = new HashMap<>();
    /** Snapshots each server had installed when its configuration last changed. */
    private final Map<String, Long> snapshotsSeen = new HashMap<>();
    private long waitingBound = Long.MAX_VALUE;
    /** The newest epoch each server's applications were granted, across its lives. */
    private final Map<String, Epoch> lastGranted = new HashMap<>();
    /** The mastership each server's applications hold now. */
    private final Map<String, Holding> holding = new HashMap<>();
    /** The newest epoch granted anywhere, and the one server it was granted on: a fencing token names one mastership. */
    private final Map<Epoch, String> grantedOn = new HashMap<>();
    private Epoch newestGranted = Epoch.NONE;
    private long stepDownBound = Long.MAX_VALUE;
    private Epoch epochBefore;
    private long droppedBefore;

    /** A grant held: since when a newer epoch was granted elsewhere (-1: not yet), and whether it is paused. */
    private static final class Holding {
        final Epoch epoch;
        long supersededAt = -1;
        boolean paused;

        Holding(Epoch epoch) {
            this.epoch = epoch;
        }
    }

    Invariants(Simulation sim) {
        this.sim = sim;
    }

    /** A running server whose grant a newer one superseded must be revoked within this. */
    void stepDownBound(long bound) {
        this.stepDownBound = bound;
    }

    /** No server may stay WAITING longer than this while it hears a majority. */
    void waitingBound(long bound) {
        this.waitingBound = bound;
    }

    void afterStep(SimServer s) {
        noStaleGrant();
        // 1. at most one master per epoch; a master's epoch is one it declared itself
        for (SimServer other : sim.servers) {
            if (!other.up || other.node().role() != Role.MASTER) {
                continue;
            }
            Epoch e = other.node().epoch();
            check(e.index() == other.index(), () -> other.id() + " is master in epoch " + e + " it did not declare");
            String first = masterOfEpoch.putIfAbsent(e, other.id());
            check(first == null || first.equals(other.id()),
                    () -> "two masters in epoch " + e + ": " + first + " and " + other.id());
        }
        // 7. a server's epoch never goes back, across restarts included
        Epoch previous = lastEpoch.put(s.id(), s.node().epoch());
        check(previous == null || !s.node().epoch().isOlderThan(previous),
                () -> s.id() + " went back from epoch " + previous + " to " + s.node().epoch());
        // no voter stays WAITING for ever while the group can elect (a learner waits for the
        // voters' master, and a removed server may wait until it is stopped)
        if (s.node().role() == Role.WAITING && s.node().voter() && !s.paused && sim.network.clean() && majorityUp()) {
            long since = waitingSince.computeIfAbsent(s.id(), id -> sim.now());
            check(sim.now() - since <= waitingBound, () -> s.id() + " WAITING for " + (sim.now() - since) + " ms");
        } else {
            waitingSince.remove(s.id());
        }
    }

    /** 1. A server opens for writes only in an epoch it declared, and only one ever opens in it. */
    void opened(SimServer s) {
        Epoch e = s.node().epoch();
        check(s.node().role() == Role.MASTER && e.index() == s.index(), s.id() + " opened without being master of " + e);
        String first = openInEpoch.putIfAbsent(e, s.id());
        check(first == null || first.equals(s.id()), "two servers opened in epoch " + e + ": " + first + " and " + s.id());
        // 3. the newest master opens only holding every write acknowledged so far (a master of an
        // older epoch may open late, but can commit nothing: a majority has moved past its epoch)
        boolean newest = sim.servers.stream().noneMatch(o -> o.persistedEpoch.isNewerThan(e));
        for (Ledger.Write w : newest ? sim.ledger.acknowledged().values() : java.util.List.<Ledger.Write>of()) {
            Optional<KeyValueStore.Item> item = KeyValueStore.get(s.storage.space(), w.key());
            check(item.isPresent() && item.get().value().equals(w.value()),
                    () -> s.id() + " opened in epoch " + e + " without acknowledged write " + w);
        }
    }

    /**
     * 14. Role events: an epoch is granted on one server only; a server's grants never go back
     * to an older epoch (across restarts too); a revocation ends the grant it follows; and a
     * grant superseded by a newer one elsewhere ends within the step-down bound (the quorum
     * window and a check's interval on the slowest clock, the timers' lateness and the network's
     * delay), counted from the newer grant or from the holder's resumption if it was paused:
     * a paused server's applications stand still, and fencing stops what they attempt after.
     */
    void role(SimServer s, RoleSequence.Change c) {
        Epoch e = c.epoch();
        if (c instanceof RoleSequence.Granted) {
            String first = grantedOn.putIfAbsent(e, s.id());
            check(first == null || first.equals(s.id()), () -> "epoch " + e + " granted on " + first + " and " + s.id());
            Epoch before = lastGranted.put(s.id(), e);
            check(before == null || !e.isOlderThan(before), () -> s.id() + " granted " + e + " after " + before);
            check(!holding.containsKey(s.id()), () -> s.id() + " granted " + e + " while holding " + holding.get(s.id()).epoch);
            Holding granted = new Holding(e);
            if (newestGranted.isNewerThan(e)) {
                granted.supersededAt = sim.now(); // an old master that opened late: superseded from the start
            } else {
                newestGranted = e;
                for (Holding other : holding.values()) {
                    if (other.epoch.isOlderThan(e) && other.supersededAt < 0) {
                        other.supersededAt = sim.now();
                    }
                }
            }
            holding.put(s.id(), granted);
            return;
        }
        Holding held = holding.remove(s.id());
        check(held != null && held.epoch.equals(e), () -> s.id() + " revoked " + e + " holding "
                + (held == null ? "nothing" : held.epoch));
    }

    /** 14. No running server holds a superseded grant past the step-down bound. */
    private void noStaleGrant() {
        holding.forEach((id, h) -> check(h.paused || h.supersededAt < 0 || sim.now() - h.supersededAt <= stepDownBound,
                () -> id + " still holds epoch " + h.epoch + " " + (sim.now() - h.supersededAt) + " ms after a newer "
                        + "grant, past the step-down bound of " + stepDownBound + " ms"));
    }

    /**
     * 8. A write answered 2xx is durable on a majority of the configured group at that moment,
     * and its master's own fsync of it did not fail: a copy that a failed fsync covered counts
     * for nothing, whatever the server believes of it.
     */
    void acknowledged(Ledger.Write w) {
        check(!sim.ledger.syncFailed(w), () -> "write " + w + " acknowledged by " + w.server()
                + " though its fsync there failed");
        Configuration counted = sim.server(w.server()).member.replica().configuration();
        check(durableCopies(w, counted) >= counted.majority(), () -> "write " + w + " acknowledged while durable on only "
                + durableCopies(w, counted) + " of the voters " + counted.voters());
    }

    /**
     * Majorities overlap: a server's history moves from one configuration to the next by one
     * change, which adds or removes one voter at most. A snapshot that replaced a history (one
     * that held a change never committed) and a restart that lost unsynced writes are not steps.
     */
    void reconfigured(SimServer s, Configuration next) {
        Configuration before = configurations.put(s.id(), next);
        Long snapshots = snapshotsSeen.put(s.id(), s.member.replica().snapshotsInstalled());
        boolean replaced = snapshots != null && snapshots != s.member.replica().snapshotsInstalled();
        if (before == null || replaced || next.version() != before.version() + 1) {
            return;
        }
        Set<String> changed = new HashSet<>(before.voters());
        changed.addAll(next.voters());
        Set<String> kept = new HashSet<>(before.voters());
        kept.retainAll(next.voters());
        changed.removeAll(kept);
        check(changed.size() <= 1, () -> s.id() + " moved from " + before + " to " + next + ", more than one voter apart");
    }

    /** 3. No crash loses an acknowledged write: each stays durable on a majority. */
    void crashed(SimServer s) {
        waitingSince.remove(s.id());
        noStaleGrant();
        holding.remove(s.id()); // the process and its applications are gone: nothing runs in the epoch

        Configuration newest = sim.newestConfiguration();
        int needed = newest.voters().size() - newest.majority() + 1; // every majority holds one of them
        for (Ledger.Write w : sim.ledger.acknowledged().values()) {
            check(durableCopies(w, newest) >= needed, () -> "after " + s.id() + " crashed, acknowledged write " + w
                    + " is durable on only " + durableCopies(w, newest) + " of the voters " + newest.voters());
        }
    }

    void restarted(SimServer s) {
        waitingSince.remove(s.id());
    }

    /** A paused server's clock of WAITING restarts when it runs again. */
    void paused(SimServer s) {
        waitingSince.remove(s.id());
        Holding held = holding.get(s.id());
        if (held != null) {
            held.paused = true;
        }
    }

    /** A paused server runs again: a grant superseded meanwhile must end within the bound from now. */
    void resumed(SimServer s) {
        Holding held = holding.get(s.id());
        if (held != null) {
            held.paused = false;
            if (held.supersededAt >= 0) {
                held.supersededAt = sim.now();
            }
        }
    }

    void beforeReceive(SimServer s, Message m) {
        epochBefore = s.node().epoch();
        droppedBefore = s.node().dropped();
    }

    /**
     * 5. A master that processed a message of a newer epoch is no longer master in its old one. A
     * message it dropped does not count: one from a member it does not know yet (it has not
     * applied the change that added it) changes nothing, as a forgery would not.
     */
    void afterReceive(SimServer s, Message m) {
        boolean processed = s.up && s.node().dropped() == droppedBefore;
        if (processed && s.node().role() == Role.MASTER && m.epoch().isNewerThan(epochBefore)) {
            Epoch before = epochBefore;
            check(s.node().epoch().isNewerThan(before),
                    () -> s.id() + " stayed master of " + before + " after a message of epoch " + m.epoch());
        }
    }

    /** 6. A forged or malformed message changes nothing but the drop counter. */
    void forged(SimServer s, Runnable delivery) {
        Role role = s.node().role();
        Epoch epoch = s.node().epoch();
        String master = s.node().master();
        long dropped = s.node().dropped();
        delivery.run();
        check(s.node().role() == role && s.node().epoch().equals(epoch) && Objects.equals(s.node().master(), master),
                "a forged message changed " + s.id());
        check(s.node().dropped() == dropped + 1, "a forged message was not counted as dropped by " + s.id());
    }

    /** 3, 4. Once quiet: every up server holds the same state, with every acknowledged write. */
    void converged() {
        String digest = null;
        for (SimServer s : sim.servers) {
            if (!s.up) {
                continue;
            }
            check(digest == null || digest.equals(s.storage.digest()), "servers differ once quiet");
            digest = s.storage.digest();
            for (Ledger.Write w : sim.ledger.acknowledged().values()) {
                Optional<KeyValueStore.Item> item = KeyValueStore.get(s.storage.space(), w.key());
                check(item.isPresent() && item.get().value().equals(w.value()), () -> s.id() + " lacks acknowledged " + w);
            }
        }
    }

    void check(boolean ok, String violation) {
        if (!ok) {
            fail(violation);
        }
    }

    /** For messages that cost something to build: built only when the check fails. */
    void check(boolean ok, java.util.function.Supplier<String> violation) {
        if (!ok) {
            fail(violation.get());
        }
    }

    private void fail(String violation) {
        throw new AssertionError(violation + " at t=" + sim.now() + " (seed " + sim.seed + ")" + sim.describe());
    }

    /** Voters of {@code c} whose disks hold {@code w}. */
    private int durableCopies(Ledger.Write w, Configuration c) {
        byte[] key = w.key().getBytes(StandardCharsets.UTF_8);
        int copies = 0;
        for (SimServer s : sim.servers) {
            if (!c.isVoter(s.id())) {
                continue;
            }
            byte[] stored = s.storage.durableValue(key);
            if (stored != null && new String(stored, 8, stored.length - 8, StandardCharsets.UTF_8).equals(w.value())) {
                copies++;
            }
        }
        return copies;
    }

    private boolean majorityUp() {
        Configuration newest = sim.newestConfiguration();
        return newest.isMajority(sim.servers.stream().filter(SimServer::active).map(SimServer::id).toList());
    }
}

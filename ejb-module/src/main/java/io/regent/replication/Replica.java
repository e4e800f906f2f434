package io.regent.replication;

import io.regent.protocol.Epoch;
import io.regent.protocol.Role;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One server's copy of the replicated state and its part in the request stream (DESIGN.md §3).
 * The host calls {@link #view}, {@link #propose}, {@link #receive} and {@link #tick} with the
 * current time and carries out what {@link #drain} returns. Not thread-safe: the host
 * serialises inputs.
 *
 * <ul>
 * <li>The master sequences each write at the next (seq, epoch), applies it, broadcasts it and
 * commits it once the live followers have acknowledged it.</li>
 * <li>A follower applies writes strictly in order; a gap or a foreign history makes it fetch
 * from the master, which answers with the missing writes or, if it no longer holds them or the
 * follower's history is not its own, with a snapshot.</li>
 * <li>A new master first collects every live server's position and fetches from the most
 * advanced; then it announces where it stands and opens for writes. Followers behind it fetch.</li>
 * <li>The stream is fenced: messages of an older epoch are refused, and a master that learns of
 * a newer epoch fails what it has not committed and stops sequencing at once.</li>
 * </ul>
 */
public final class Replica {

    private enum Mode { FOLLOWING, SYNCING, OPEN }

    private final ReplicationConfig config;
    private final String self;
    private final StateMachine machine;
    private final RetainedLog log;
    private final Commitments commitments;
    private final List<ReplicaEffect> out = new ArrayList<>();

    private Mode mode = Mode.FOLLOWING;
    private GroupView view = GroupView.NONE;
    private Epoch fence = Epoch.NONE;
    private Epoch mastership;
    private Position applied = Position.NONE;
    private TakeoverSync sync;
    private String fetchingFrom;
    private long fetchDeadline;
    private boolean current;
    private long snapshotsInstalled;

    public Replica(ReplicationConfig config, StateMachine machine) {
        this.config = config;
        this.self = config.self();
        this.machine = machine;
        this.log = new RetainedLog(config.retention());
        this.commitments = new Commitments(config.minAcks());
    }

    // ---- inputs -------------------------------------------------------------------------

    /** The election protocol's view changed (or the host refreshes it on a tick). */
    public void view(long now, GroupView next) {
        Role before = view.role();
        view = next;
        raiseFence(next.epoch());
        if (next.role() == Role.MASTER && next.epoch().equals(fence)) {
            if (!next.epoch().equals(mastership)) {
                takeOver(now);
            } else if (mode == Mode.OPEN) {
                commit(); // fewer live followers may be enough now
            } else {
                sync.stillLive(next.livePeers());
                advanceSync(now);
            }
            return;
        }
        if (mastership != null) {
            stepDown("this server is no longer the master");
        }
        if (next.role() == Role.JOINING && before != Role.JOINING) {
            current = false; // rejoining after a stall: the group may have moved on
        }
        String master = next.master();
        if (next.role() == Role.JOINING && !current && master != null && !master.equals(self) && fetchingFrom == null) {
            fetch(now, master);
        }
    }

    /**
     * A client's write. On the master open for writes it is sequenced, applied and broadcast;
     * the host answers the client when {@link ReplicaEffect.Committed} names its sequence.
     */
    public Proposal propose(long now, String command) {
        if (mode != Mode.OPEN) {
            return new Proposal.Rejected(mode == Mode.SYNCING ? Proposal.Reason.SYNCING : Proposal.Reason.NOT_MASTER);
        }
        Position prev = applied;
        Entry entry = new Entry(applied.seq() + 1, mastership, command);
        String result = apply(entry);
        commitments.await(entry.seq(), now);
        broadcast(new StreamMessage.Entries(self, mastership, prev, List.of(entry), false));
        commit();
        return new Proposal.Accepted(entry.position(), result);
    }

    public void receive(long now, StreamMessage m) {
        if (m.epoch().isOlderThan(fence)) {
            if (!(m instanceof StreamMessage.Refusal)) {
                send(m.from(), new StreamMessage.Refusal(self, fence));
            }
            return;
        }
        raiseFence(m.epoch());
        if (m instanceof StreamMessage.Entries e) {
            onEntries(now, e);
        } else if (m instanceof StreamMessage.Ack a) {
            onAck(a);
        } else if (m instanceof StreamMessage.Fetch f) {
            onFetch(f);
        } else if (m instanceof StreamMessage.Snapshot s) {
            onSnapshot(now, s);
        } else if (m instanceof StreamMessage.SyncQuery q) {
            send(q.from(), new StreamMessage.SyncReport(self, fence, applied));
        } else if (m instanceof StreamMessage.SyncReport r) {
            if (mode == Mode.SYNCING && r.epoch().equals(mastership)) {
                sync.report(r.from(), r.applied());
                advanceSync(now);
            }
        } else if (m instanceof StreamMessage.Resume r) {
            onResume(now, r);
        }
    }

    /** Time passes: acknowledgements overdue, fetches unanswered. */
    public void tick(long now) {
        if (mode == Mode.OPEN) {
            commit();
            for (long seq : commitments.expired(now, config.ackTimeout())) {
                out.add(new ReplicaEffect.Failed(seq, "not acknowledged by the backups within "
                        + config.ackTimeout() + " ms; it may have been applied"));
            }
        }
        if (fetchingFrom != null && now >= fetchDeadline) {
            String silent = fetchingFrom;
            fetchingFrom = null;
            if (mode == Mode.SYNCING && !view.livePeers().contains(silent)) {
                notice(silent + " died before it answered the takeover fetch; syncing without it");
                sync.forget(silent);
            } else if (mode == Mode.SYNCING) {
                fetch(now, silent); // still live: it may hold writes no one else has, ask again
            } else if (view.master() != null && !view.master().equals(self)) {
                fetch(now, view.master());
            }
        }
        if (mode == Mode.SYNCING) {
            advanceSync(now);
        }
    }

    /** While taking over: the live servers whose positions have not come in yet. */
    public Set<String> awaitedPositions() {
        return sync == null ? Set.of() : sync.missing();
    }

    /** What the host must do now; empties the outbox. */
    public List<ReplicaEffect> drain() {
        List<ReplicaEffect> effects = List.copyOf(out);
        out.clear();
        return effects;
    }

    // ---- views --------------------------------------------------------------------------

    public Position applied() {
        return applied;
    }

    /** Whether this server sequences writes now: master, synced, and not fenced off. */
    public boolean open() {
        return mode == Mode.OPEN;
    }

    public String mode() {
        return mode.name();
    }

    /** Whether this server has caught up since it (re)joined. */
    public boolean current() {
        return current;
    }

    public Epoch fence() {
        return fence;
    }

    public int waiting() {
        return commitments.waiting();
    }

    /** How far {@code follower} has acknowledged in this mastership, or -1. */
    public long ackedBy(String follower) {
        return commitments.ackedBy(follower);
    }

    public long snapshotsInstalled() {
        return snapshotsInstalled;
    }

    public StateMachine machine() {
        return machine;
    }

    // ---- master -------------------------------------------------------------------------

    private void takeOver(long now) {
        if (mastership != null) {
            stepDown("superseded by this server's own newer epoch");
        }
        mastership = view.epoch();
        mode = Mode.SYNCING;
        fetchingFrom = null;
        sync = new TakeoverSync(view.livePeers());
        sync.report(self, applied);
        broadcast(new StreamMessage.SyncQuery(self, mastership));
        notice("taking over in epoch " + mastership + " at " + applied + "; asking " + view.livePeers());
        advanceSync(now);
    }

    private void advanceSync(long now) {
        if (mode != Mode.SYNCING || fetchingFrom != null || !sync.complete()) {
            return;
        }
        String best = sync.mostAdvanced();
        if (best != null && !best.equals(self) && sync.positionOf(best).isAheadOf(applied)) {
            notice("catching up with " + best + " at " + sync.positionOf(best) + " before opening");
            fetch(now, best);
            return;
        }
        mode = Mode.OPEN;
        sync = null;
        broadcast(new StreamMessage.Resume(self, mastership, applied));
        notice("open for writes in epoch " + mastership + " at " + applied);
    }

    private void stepDown(String reason) {
        for (long seq : commitments.clear()) {
            out.add(new ReplicaEffect.Failed(seq, reason));
        }
        mastership = null;
        mode = Mode.FOLLOWING;
        sync = null;
        fetchingFrom = null;
    }

    private void onAck(StreamMessage.Ack a) {
        if (mode == Mode.OPEN && a.epoch().equals(mastership) && log.contains(a.applied())) {
            commitments.acked(a.from(), a.applied().seq());
            commit();
        }
    }

    private void commit() {
        for (long seq : commitments.committable(view.liveFollowers())) {
            out.add(new ReplicaEffect.Committed(seq));
        }
    }

    /** Fencing: a newer epoch anywhere ends this server's mastership of an older one. */
    private void raiseFence(Epoch epoch) {
        if (epoch.isNewerThan(fence)) {
            fence = epoch;
            if (mastership != null && mastership.isOlderThan(fence)) {
                stepDown("a newer master exists (epoch " + fence + ")");
            }
        }
    }

    // ---- follower -----------------------------------------------------------------------

    private void onEntries(long now, StreamMessage.Entries e) {
        if (mode == Mode.OPEN || (mode == Mode.SYNCING && !e.from().equals(fetchingFrom))) {
            return;
        }
        Position prev = e.prev();
        boolean advanced = false;
        boolean connected = true;
        for (Entry entry : e.entries()) {
            if (entry.seq() <= applied.seq()) {
                prev = entry.position();
                continue;
            }
            if (entry.seq() == applied.seq() + 1 && prev.equals(applied)) {
                apply(entry);
                advanced = true;
                prev = entry.position();
                continue;
            }
            connected = false;
            if (entry.seq() == applied.seq() + 1) {
                diverged(e.from());
            }
            if (fetchingFrom == null) {
                fetch(now, e.from()); // a gap, or another history: ask the sender
            }
            break;
        }
        if (e.fill() && connected && e.from().equals(fetchingFrom)) {
            fetched(now);
        } else if (advanced && mode == Mode.FOLLOWING) {
            send(e.from(), new StreamMessage.Ack(self, fence, applied));
        }
    }

    private void onFetch(StreamMessage.Fetch f) {
        if (mode == Mode.SYNCING || fetchingFrom != null) {
            return; // not current itself: the asker tries again after its fetch time-out
        }
        Position after = f.after();
        boolean fresh = after.equals(Position.NONE) && !applied.equals(Position.NONE);
        if (after.equals(applied) || (!fresh && log.contains(after))) {
            sendFill(f.from(), after);
        } else {
            // a server that starts, one that fell behind what is kept, or one with another history
            send(f.from(), new StreamMessage.Snapshot(self, fence, applied, machine.snapshot()));
        }
    }

    private void sendFill(String to, Position after) {
        List<Entry> missing = log.after(after);
        Position prev = after;
        int i = 0;
        do {
            List<Entry> batch = missing.subList(i, Math.min(missing.size(), i + config.batchLimit()));
            i += batch.size();
            send(to, new StreamMessage.Entries(self, fence, prev, batch, i >= missing.size()));
            if (!batch.isEmpty()) {
                prev = batch.get(batch.size() - 1).position();
            }
        } while (i < missing.size());
    }

    private void onSnapshot(long now, StreamMessage.Snapshot s) {
        if (!s.from().equals(fetchingFrom)) {
            return; // only what this server asked for
        }
        machine.restore(s.state());
        applied = s.at();
        log.resetTo(s.at());
        snapshotsInstalled++;
        notice("installed a snapshot at " + s.at() + " from " + s.from());
        fetched(now);
    }

    private void onResume(long now, StreamMessage.Resume r) {
        if (mastership != null) {
            return;
        }
        if (r.tail().equals(applied)) {
            send(r.from(), new StreamMessage.Ack(self, fence, applied));
            return;
        }
        if (applied.seq() >= r.tail().seq()) {
            diverged(r.from()); // writes here that the new master never had: never acknowledged
        }
        fetch(now, r.from());
    }

    /** A fetch was answered in full: this server now stands where its source stood. */
    private void fetched(long now) {
        fetchingFrom = null;
        if (mode == Mode.SYNCING) {
            sync.report(self, applied);
            advanceSync(now);
            return;
        }
        String master = view.master();
        if (master != null && !master.equals(self)) {
            send(master, new StreamMessage.Ack(self, fence, applied));
        }
        if (!current) {
            current = true;
            out.add(new ReplicaEffect.Current(true));
        }
    }

    private void diverged(String master) {
        notice("history at " + applied + " is not " + master + "'s: resyncing from it");
        if (current) {
            current = false;
            out.add(new ReplicaEffect.Current(false));
        }
    }

    private void fetch(long now, String from) {
        fetchingFrom = from;
        fetchDeadline = now + config.fetchTimeout();
        send(from, new StreamMessage.Fetch(self, fence, applied));
    }

    // ---- helpers ------------------------------------------------------------------------

    private String apply(Entry entry) {
        String result = machine.apply(entry.command());
        applied = entry.position();
        log.append(entry);
        return result;
    }

    private void send(String to, StreamMessage m) {
        out.add(new ReplicaEffect.Send(to, m));
    }

    private void broadcast(StreamMessage m) {
        out.add(new ReplicaEffect.Send(null, m));
    }

    private void notice(String what) {
        out.add(new ReplicaEffect.Notice(what));
    }
}

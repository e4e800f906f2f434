package io.regent.replication;

import io.regent.protocol.Configuration;
import io.regent.protocol.Epoch;
import io.regent.protocol.Role;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One server's copy of the replicated state and its part in the request stream (DESIGN.md §3).
 * The host calls {@link #view}, {@link #propose}, {@link #receive}, {@link #durable} and
 * {@link #tick} with the current time and carries out what {@link #drain} returns. Not
 * thread-safe: the host serialises inputs.
 *
 * <ul>
 * <li>The master sequences each write at the next (seq, epoch), applies it, broadcasts it (with
 * the others sequenced while its {@link BroadcastWindow} was full) and commits it once it is
 * durable on enough servers ({@link AckMode}): its own copy counts only once the host reports it
 * durable, a follower's once that follower acknowledges it.</li>
 * <li>A follower applies writes strictly in order and acknowledges what is durable; a gap or a
 * foreign history makes it fetch, and the source answers with retained writes or with a snapshot,
 * both in bounded runs that the follower asks for one by one.</li>
 * <li>A new master first collects enough servers' positions (a majority by default) and brings
 * itself up to the most advanced; then it announces where it stands and opens for writes.</li>
 * <li>The stream is fenced: messages of an older epoch are refused, and a master that learns of
 * a newer epoch fails what it has not committed and stops sequencing at once.</li>
 * <li>Readers see only committed writes ({@link CommittedView}): the master sequences a no-op as
 * it opens, and tells followers its commit point with its writes and its heartbeats. A
 * linearizable read waits for a round of heartbeats a majority answered ({@link ReadRounds}).</li>
 * </ul>
 */
public final class Replica {

    /** Following a master; master syncing the group before it opens (takeover); master open for writes. */
    public enum Mode { FOLLOWING, SYNCING, OPEN }

    /** The fetches one run may number before it could reach the next run's first number. */
    private static final long FETCHES_PER_RUN = 1L << 20;

    /** What a master's opening no-op is applied with: no state machine sees it. */
    private static final StateMachine NO_OP = (entry, state) -> "";

    /** An outstanding fetch, and the snapshot it is installing, if it turned into one. */
    private static final class Fetching {
        final String source;
        final long request;
        long deadline;
        ReplicaStorage.Restore restore;
        Position at;

        Fetching(String source, long request, long deadline) {
            this.source = source;
            this.request = request;
            this.deadline = deadline;
        }
    }

    private final ReplicationConfig config;
    private final String self;
    private final ReplicaStorage storage;
    private final StateMachine machine;
    private final Configuration bootstrap;
    private final ConfigurationRecord record;
    /** The configuration this server's history holds now, committed or not (DESIGN.md §9). */
    private Configuration configuration;
    /** The write that brought {@link #configuration} in (the applied position, after a snapshot). */
    private long configurationSeq;
    private final Commitments commitments;
    private final SnapshotSessions serving = new SnapshotSessions();
    private final List<ReplicaEffect> out = new ArrayList<>();
    private final BroadcastWindow window;

    private Mode mode = Mode.FOLLOWING;
    private GroupView view = GroupView.NONE;
    private Epoch fence;
    private Epoch mastership;
    private Position durable;
    private Position persistAsked;
    private Position ackSent;
    /** The newest write committed in this mastership, or -1: everything before it is committed too. */
    private long committed = -1;
    private String ackSentTo;
    private TakeoverSync sync;
    private long lastSyncQuery;
    /** The server that asked this one where it stands for its takeover in the current fence epoch. */
    private String censusOf;
    private Fetching fetching;
    private long requests;
    private boolean current;
    private long snapshotsInstalled;
    private long bytesFetched;
    private final CommittedView committedView;
    /** The newest commit point heard that this server's history may not reach yet. */
    private Position heardCommit = Position.NONE;
    /** The opening no-op of this mastership: reads wait until it commits. */
    private long openSeq = -1;
    private final ReadRounds reads = new ReadRounds();
    /** The commit point last told to the followers. */
    private long committedTold = -1;

    /**
     * A replica of what {@code storage} holds, durable as it stands (it was just recovered).
     *
     * @param bootstrap the configuration of a new group, which stands until the log records another
     * @param record    where the state records the configuration
     */
    public Replica(ReplicationConfig config, ReplicaStorage storage, StateMachine machine, Configuration bootstrap,
            ConfigurationRecord record) {
        this.config = config;
        this.self = config.self();
        this.storage = storage;
        this.machine = machine;
        this.bootstrap = bootstrap;
        this.record = record;
        this.configuration = record.read(storage.space()).orElse(bootstrap);
        this.configurationSeq = storage.applied().seq();
        this.requests = storage.incarnation() * FETCHES_PER_RUN;
        this.commitments = new Commitments(config.ackMode(), self, configuration);
        this.window = new BroadcastWindow(config.framesInFlight(), config.maxMessageBytes());
        this.durable = storage.applied();
        this.persistAsked = durable;
        this.fence = durable.epoch();
        // what this server recovered may hold writes that were never committed: not readable
        // until the group's commit point reaches it
        this.committedView = new CommittedView(storage.space(), storage.applied());
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
                commit(now); // fewer live followers may be enough now
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
        catchUpIfJoining(now);
    }

    /**
     * A client's write. On the master open for writes it is sequenced, applied and broadcast;
     * the host answers the client when {@link ReplicaEffect.Committed} names its sequence.
     */
    public Proposal propose(long now, String command) {
        if (mode != Mode.OPEN) {
            return new Proposal.Rejected(mode == Mode.SYNCING ? Proposal.Reason.SYNCING : Proposal.Reason.NOT_MASTER);
        }
        long size = Utf8.length(command);
        if (commitments.waitingBytes() + size > config.maxPendingBytes()) {
            return new Proposal.Rejected(Proposal.Reason.BUSY);
        }
        String refusal = machine.refusal(command, storage.space());
        if (refusal != null) {
            return new Proposal.Refused(refusal);
        }
        Entry entry = new Entry(storage.applied().seq() + 1, mastership, command);
        String result = sequence(now, entry, size);
        return new Proposal.Accepted(entry.position(), result, machine.takeValue());
    }

    /**
     * A linearizable read, number {@code ticket}: false if this server is not the open master.
     * {@link ReplicaEffect.ReadReady} says when the committed state may answer it.
     */
    public boolean read(long now, long ticket) {
        if (mode != Mode.OPEN) {
            return false;
        }
        if (reads.add(new ReadRounds.Read(ticket, Math.max(committed, openSeq), now))) {
            startReadRound(now);
        }
        return true;
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
            onAck(now, a);
        } else if (m instanceof StreamMessage.Fetch f) {
            onFetch(now, f);
        } else if (m instanceof StreamMessage.SnapshotChunk c) {
            onChunk(now, c);
        } else if (m instanceof StreamMessage.ChunkRequest c) {
            onChunkRequest(now, c);
        } else if (m instanceof StreamMessage.SyncQuery q) {
            if (q.epoch().equals(fence)) {
                censusOf = q.from(); // the master taking over in the newest epoch: it may fetch from here
            }
            send(q.from(), new StreamMessage.SyncReport(self, fence, storage.applied()));
        } else if (m instanceof StreamMessage.SyncReport r) {
            if (mode == Mode.SYNCING && r.epoch().equals(mastership)) {
                sync.report(r.from(), r.applied());
                advanceSync(now);
            }
        } else if (m instanceof StreamMessage.Tail t) {
            onTail(now, t);
        } else if (m instanceof StreamMessage.Heartbeat h) {
            onHeartbeat(h);
        } else if (m instanceof StreamMessage.HeartbeatAck a) {
            onHeartbeatAck(now, a);
        }
    }

    /**
     * The host made everything applied up to {@code p} durable (it asked with
     * {@link ReplicaEffect.Persist}). Acknowledgements and commits follow from it.
     */
    public void durable(long now, Position p) {
        Position applied = storage.applied();
        boolean inHistory = p.seq() <= applied.seq() && (p.equals(applied) || storage.holds(p));
        if (!inHistory) {
            return; // a snapshot replaced that history while the host was syncing
        }
        durable = p;
        if (mode == Mode.OPEN) {
            commit(now);
        } else if (mode == Mode.SYNCING) {
            advanceSync(now);
        } else {
            acknowledge();
        }
    }

    /**
     * The host's link to the messaging fabric is back (it moved to another broker): what was in
     * flight is lost. The master tells every follower where it stands, a follower tells its master
     * how far it is durable again and asks again for what it was fetching; nobody waits for a
     * time-out to notice.
     */
    public void linkRestored(long now) {
        if (mode == Mode.OPEN) {
            window.forgetSentBefore(Long.MAX_VALUE); // lost with the link
            broadcastHeld(now); // first, so that the tail below finds followers that have them
            broadcast(new StreamMessage.Tail(self, mastership, storage.applied()));
        } else if (mode == Mode.SYNCING) {
            lastSyncQuery = now;
            broadcast(new StreamMessage.SyncQuery(self, mastership));
        } else {
            ackSent = null;
            acknowledge();
        }
        if (fetching != null && fetching.restore == null) {
            fetch(now, fetching.source);
        }
    }

    /** Time passes: acknowledgements overdue, fetches unanswered, snapshots no longer read. */
    public void tick(long now) {
        if (mode == Mode.OPEN) {
            window.forgetSentBefore(now - config.quietPeriod());
            commit(now);
            remindLaggards(now);
            for (long seq : commitments.expired(now, config.ackTimeout())) {
                out.add(new ReplicaEffect.Failed(seq, "not durable on enough servers within "
                        + config.ackTimeout() + " ms; it may have been applied"));
            }
            tickReads(now);
            if (committed < configurationSeq && commitments.waiting() == 0) {
                // a membership change that timed out still waits in the log, and only a later
                // write commits it: in an idle group, nothing would, and no change could follow
                Entry noOp = Entry.noOp(storage.applied().seq() + 1, mastership);
                sequence(now, noOp, 0);
            }
            if (committed > committedTold) {
                // followers learn the commit point with the next writes; when none follow, now
                committedTold = committed;
                broadcast(new StreamMessage.Heartbeat(self, mastership, 0, committedPosition()));
            }
        }
        serving.expire(now, 2 * config.fetchTimeout());
        if (fetching != null && now >= fetching.deadline) {
            String silent = fetching.source;
            abandonFetch();
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
            if (!sync.complete() && now - lastSyncQuery >= config.quietPeriod()) {
                // a server that was down at the takeover may be back: ask again
                lastSyncQuery = now;
                broadcast(new StreamMessage.SyncQuery(self, mastership));
            }
            advanceSync(now);
        }
        catchUpIfJoining(now);
    }

    /** What the host must do now; empties the outbox. */
    public List<ReplicaEffect> drain() {
        List<ReplicaEffect> effects = List.copyOf(out);
        out.clear();
        return effects;
    }

    // ---- views --------------------------------------------------------------------------

    public Position applied() {
        return storage.applied();
    }

    /** The last position the host reported durable. */
    public Position durable() {
        return durable;
    }

    /** Whether this server sequences writes now: master, synced, and not fenced off. */
    public boolean open() {
        return mode == Mode.OPEN;
    }

    /**
     * On the open master, the newest write it committed in its mastership, or -1 before its first:
     * that write and every one before it are durable on enough servers that every later master
     * holds them. Followers do not know it (-1).
     */
    public long committed() {
        return committed;
    }

    /** The configuration this server's history holds, committed or not. */
    public Configuration configuration() {
        return configuration;
    }

    /**
     * Whether this master may sequence a membership change: it is open, its opening no-op has
     * committed (so no change of an earlier master's is still pending in its history), and the
     * last change has committed. One change at a time keeps any two majorities overlapping.
     */
    public boolean readyForChange() {
        return mode == Mode.OPEN && committed >= openSeq && committed >= configurationSeq;
    }

    public Mode mode() {
        return mode;
    }

    /** The state as of this server's commit point: what readers see. */
    public CommittedView committedView() {
        return committedView;
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

    public long waitingBytes() {
        return commitments.waitingBytes();
    }

    /** How far {@code follower} has acknowledged in this mastership, or -1. */
    public long ackedBy(String follower) {
        return commitments.ackedBy(follower);
    }

    public long snapshotsInstalled() {
        return snapshotsInstalled;
    }

    /** Bytes of writes and snapshot pairs this server has fetched since it started. */
    public long bytesFetched() {
        return bytesFetched;
    }

    /** Snapshots this server is serving to others now. */
    public int snapshotsServing() {
        return serving.open();
    }

    /** While taking over: the servers whose positions are still needed. */
    public Set<String> awaitedPositions() {
        return sync == null ? Set.of() : sync.missing(new HashSet<>(view.livePeers()));
    }

    // ---- master -------------------------------------------------------------------------

    private void takeOver(long now) {
        if (mastership != null) {
            stepDown("superseded by this server's own newer epoch");
        }
        abandonFetch();
        mastership = view.epoch();
        committed = -1;
        mode = Mode.SYNCING;
        boolean majority = config.ackMode() == AckMode.MAJORITY;
        sync = new TakeoverSync(majority ? configuration : null, majority ? List.of() : view.livePeers());
        sync.report(self, storage.applied());
        lastSyncQuery = now;
        broadcast(new StreamMessage.SyncQuery(self, mastership));
        notice("taking over in epoch " + mastership + " at " + storage.applied() + "; asking "
                + (majority ? "for a majority of " + configuration.voters() : view.livePeers()));
        advanceSync(now);
    }

    private void advanceSync(long now) {
        if (mode != Mode.SYNCING || fetching != null || !sync.complete()) {
            return;
        }
        Position applied = storage.applied();
        String best = sync.mostAdvanced();
        if (best != null && !best.equals(self) && sync.positionOf(best).isAheadOf(applied)) {
            notice("catching up with " + best + " at " + sync.positionOf(best) + " before opening");
            fetch(now, best);
            return;
        }
        if (!durable.equals(applied)) {
            persist(); // open on a durable base: what it serves from now on must survive a crash
            return;
        }
        mode = Mode.OPEN;
        sync = null;
        broadcast(new StreamMessage.Tail(self, mastership, applied));
        commitments.opened(now);
        notice("open for writes in epoch " + mastership + " at " + applied);
        Entry noOp = Entry.noOp(applied.seq() + 1, mastership);
        sequence(now, noOp, 0);
        openSeq = noOp.seq();
        commit(now);
    }

    /** Applies {@code entry} as the master, holds it for broadcast and asks for it to be made durable. */
    private String sequence(long now, Entry entry, long size) {
        Position prev = storage.applied();
        String result = apply(entry);
        commitments.await(entry.seq(), now, size);
        window.hold(prev, entry);
        broadcastHeld(now);
        persist();
        return result;
    }

    /** Applies {@code entry} to the state, keeping what readers must still see until it commits. */
    private String apply(Entry entry) {
        String result = storage.apply(entry, committedView.recording(entry.seq(), entry.isNoOp() ? NO_OP : machine));
        if (record.changes(entry.command())) {
            readConfiguration(entry.seq());
        }
        return result;
    }

    /**
     * Takes the configuration the state now holds: it counts from the moment it is in this
     * server's history, committed or not, as Raft's single-server changes do, and is read again
     * after a snapshot replaced the history.
     */
    private void readConfiguration(long seq) {
        Configuration next = record.read(storage.space()).orElse(bootstrap);
        if (next.equals(configuration)) {
            return;
        }
        configuration = next;
        configurationSeq = seq;
        commitments.reconfigure(next);
        if (sync != null) {
            sync.reconfigure(next);
        }
        out.add(new ReplicaEffect.Reconfigured(next));
    }

    private void stepDown(String reason) {
        window.clear(); // writes held back fail below with the rest
        for (long seq : commitments.clear()) {
            out.add(new ReplicaEffect.Failed(seq, reason));
        }
        for (ReadRounds.Read r : reads.clear()) {
            out.add(new ReplicaEffect.ReadFailed(r.ticket(), reason));
        }
        mastership = null;
        committed = -1;
        openSeq = -1;
        committedTold = -1;
        mode = Mode.FOLLOWING;
        sync = null;
        abandonFetch();
    }

    /**
     * Tells a live peer whose acknowledgements stopped short of this master's state where it
     * stands, once a quiet tick went by: its last writes or its last acknowledgement were lost.
     */
    private void remindLaggards(long now) {
        long tail = storage.applied().seq();
        for (String peer : view.livePeers()) {
            long acked = commitments.ackedBy(peer);
            if (acked < tail && commitments.quietSince(peer, now) >= config.quietPeriod()) {
                commitments.reminded(peer, now);
                send(peer, new StreamMessage.Tail(self, mastership, storage.applied()));
            }
        }
    }

    private void onAck(long now, StreamMessage.Ack a) {
        Position p = a.durable();
        if (mode == Mode.OPEN && a.epoch().equals(mastership) && (p.equals(storage.applied()) || storage.holds(p))) {
            commitments.acked(a.from(), p.seq(), now);
            commit(now);
        }
    }

    private void commit(long now) {
        long before = committed;
        for (long seq : commitments.committable(durable.seq(), view.liveFollowers())) {
            committed = Math.max(committed, seq);
            out.add(new ReplicaEffect.Committed(seq));
        }
        if (committed > before) {
            committedView.committed(committedPosition());
            answerReads();
        }
        broadcastHeld(now);
    }

    /** The newest position this server knows committed. */
    private Position committedPosition() {
        return mode == Mode.OPEN && committed >= 0 ? new Position(committed, mastership) : committedView.committed();
    }

    // ---- linearizable reads ---------------------------------------------------------------

    private void startReadRound(long now) {
        long round = reads.start(now);
        broadcast(new StreamMessage.Heartbeat(self, mastership, round, committedPosition()));
        confirmReadsIfAnswered(reads.answer(self, round));
    }

    private void onHeartbeatAck(long now, StreamMessage.HeartbeatAck a) {
        if (mode == Mode.OPEN && a.epoch().equals(mastership)) {
            confirmReadsIfAnswered(reads.answer(a.from(), a.round()));
            if (reads.waitingForRound()) {
                startReadRound(now);
            }
        }
    }

    /** Confirms the round once as many servers answered it as a commit needs (this one included). */
    private void confirmReadsIfAnswered(Set<String> answered) {
        if (reads.current() == 0) {
            return;
        }
        boolean enough;
        if (config.ackMode() == AckMode.ALL_LIVE) {
            enough = answered.containsAll(view.liveFollowers());
        } else {
            enough = configuration.isMajority(answered); // the master answered its own round
        }
        if (enough) {
            reads.confirm();
            answerReads();
        }
    }

    private void answerReads() {
        for (ReadRounds.Read r : reads.answerable(committed)) {
            out.add(new ReplicaEffect.ReadReady(r.ticket(), committedPosition()));
        }
    }

    private void tickReads(long now) {
        String why = "this master was not confirmed by enough servers within " + config.ackTimeout() + " ms";
        if (reads.current() != 0 && now - reads.startedAt() >= config.ackTimeout()) {
            for (ReadRounds.Read r : reads.abandonRound()) {
                out.add(new ReplicaEffect.ReadFailed(r.ticket(), why));
            }
        } else if (reads.current() != 0) {
            // a heartbeat or its answers may have been lost with a broker: ask again
            broadcast(new StreamMessage.Heartbeat(self, mastership, reads.current(), committedPosition()));
        }
        for (ReadRounds.Read r : reads.overdue(now - config.ackTimeout())) {
            out.add(new ReplicaEffect.ReadFailed(r.ticket(), "the commit point did not reach position " + r.index()
                    + " within " + config.ackTimeout() + " ms"));
        }
        if (reads.waitingForRound()) {
            startReadRound(now);
        }
    }

    /** Broadcasts the writes that waited for room in the window, if there is room now. */
    private void broadcastHeld(long now) {
        for (BroadcastWindow.Run run : window.release(committed, now)) {
            List<Entry> entries = run.entries();
            broadcast(new StreamMessage.Entries(self, mastership, run.prev(), entries, 0,
                    entries.get(entries.size() - 1).position(), committedPosition()));
        }
    }

    /** Fencing: a newer epoch anywhere ends this server's mastership of an older one. */
    private void raiseFence(Epoch epoch) {
        if (epoch.isNewerThan(fence)) {
            fence = epoch;
            censusOf = null; // it asked in an older epoch
            if (mastership != null && mastership.isOlderThan(fence)) {
                stepDown("a newer master exists (epoch " + fence + ")");
            }
        }
    }

    // ---- follower -----------------------------------------------------------------------

    private void onEntries(long now, StreamMessage.Entries e) {
        if (mode == Mode.OPEN) {
            return;
        }
        if (e.fill()) {
            if (fetching == null || !e.from().equals(fetching.source) || e.request() != fetching.request) {
                return; // only the answer to the fetch under way
            }
        } else if (mode == Mode.SYNCING || (fetching != null && fetching.restore != null)) {
            return; // taking over, or installing a snapshot: only fetched writes count
        }
        Position applied = storage.applied();
        Position prev = e.prev();
        boolean advanced = false;
        boolean connected = true;
        for (Entry entry : e.entries()) {
            if (entry.seq() <= applied.seq()) {
                if (entry.seq() > 0 && !storage.holds(entry.position()) && storage.holds(prev)) {
                    // the sender's history parts from this one here: these writes were never acknowledged
                    connected = false;
                    diverged(e.from());
                    if (fetching == null) {
                        fetch(now, e.from());
                    }
                    break;
                }
                prev = entry.position();
                continue;
            }
            if (entry.seq() == applied.seq() + 1 && prev.equals(applied)) {
                apply(entry);
                applied = entry.position();
                prev = applied;
                advanced = true;
                if (e.fill()) {
                    bytesFetched += Utf8.length(entry.command());
                }
                continue;
            }
            connected = false;
            if (entry.seq() == applied.seq() + 1) {
                diverged(e.from());
            }
            if (fetching == null) {
                fetch(now, e.from()); // a gap, or another history: ask the sender
            }
            break;
        }
        if (advanced) {
            persist();
        }
        heard(e.committed());
        if (e.fill() && connected) {
            if (applied.equals(e.upTo()) || !e.upTo().isAheadOf(applied)) {
                fetched(now);
            } else {
                fetch(now, e.from()); // the next run of writes
            }
        }
    }

    /**
     * Serves a fetch, only from a state that may be copied: this master's while it is open (its
     * state holds every acknowledged write), or, to a new master taking over, this follower's
     * (it asks the most advanced). Anything else could hand an older state to a server that is
     * ahead of it.
     */
    private void onFetch(long now, StreamMessage.Fetch f) {
        // a follower that fetches from another follower (say, a master that handed over to a
        // server behind it) must not be served: it would go back past acknowledged writes
        boolean takeoverFetch = mode == Mode.FOLLOWING && f.takeover() && f.epoch().equals(fence)
                && (f.from().equals(censusOf) || f.from().equals(view.master()));
        if (!(mode == Mode.OPEN || takeoverFetch) || (fetching != null && fetching.restore != null)) {
            return; // the asker tries again after its fetch time-out
        }
        Position after = f.after();
        Position applied = storage.applied();
        boolean fresh = after.equals(Position.NONE) && !applied.equals(Position.NONE);
        if (!fresh && (after.equals(applied) || storage.holds(after))) {
            List<Entry> next = storage.entriesAfter(after, config.maxMessageBytes());
            send(f.from(), new StreamMessage.Entries(self, fence, after, next, f.request(), applied,
                    committedPosition()));
        } else {
            // a server that starts, one that fell behind what is kept, or one with another history
            sendChunk(f.from(), f.request(), serving.open(f.from(), f.request(), storage, now), null);
        }
    }

    private void onChunkRequest(long now, StreamMessage.ChunkRequest c) {
        ReplicaStorage.SnapshotView v = serving.view(c.from(), c.request(), now);
        if (v != null) {
            sendChunk(c.from(), c.request(), v, c.afterKey());
        }
    }

    private void sendChunk(String to, long request, ReplicaStorage.SnapshotView v, byte[] afterKey) {
        Chunk chunk = v.chunk(afterKey, config.maxMessageBytes());
        send(to, new StreamMessage.SnapshotChunk(self, fence, v.at(), request, chunk, committedPosition()));
        if (chunk.last()) {
            serving.close(to);
        }
    }

    private void onChunk(long now, StreamMessage.SnapshotChunk c) {
        if (fetching == null || !c.from().equals(fetching.source) || c.request() != fetching.request) {
            return; // only what this server asked for
        }
        if (fetching.restore == null) {
            fetching.restore = storage.beginRestore(c.at());
            fetching.at = c.at();
        } else if (!c.at().equals(fetching.at)) {
            return;
        }
        fetching.restore.add(c.chunk().pairs());
        fetching.deadline = now + config.fetchTimeout();
        for (Pair p : c.chunk().pairs()) {
            bytesFetched += p.bytes();
        }
        if (!c.chunk().last()) {
            send(c.from(), new StreamMessage.ChunkRequest(self, fence, c.request(), c.chunk().lastKey()));
            return;
        }
        committedView.replacing();
        fetching.restore.finish();
        fetching.restore = null;
        committedView.replaced(c.at());
        readConfiguration(c.at().seq());
        heardCommit = Position.NONE;
        heard(c.committed()); // an idle master's commit point is where its snapshot stands: readable at once
        snapshotsInstalled++;
        notice("installed a snapshot at " + c.at() + " from " + c.from());
        persist();
        fetched(now);
    }

    private void onTail(long now, StreamMessage.Tail t) {
        if (mastership != null) {
            return;
        }
        Position applied = storage.applied();
        // past the tail with writes of this same master: the reminder was overtaken by them
        boolean overtaken = applied.seq() > t.tail().seq() && applied.epoch().equals(t.epoch())
                && storage.holds(t.tail());
        if (t.tail().equals(applied) || overtaken) {
            ackSent = null; // the master may have lost the last one
            acknowledge();
            return;
        }
        if (fetching != null && fetching.source.equals(t.from())) {
            return; // already catching up with it
        }
        if (applied.seq() >= t.tail().seq()) {
            diverged(t.from()); // writes here that the master never had: never acknowledged
        }
        fetch(now, t.from());
    }

    /** A fetch was answered in full: this server now stands where its source stood. */
    private void fetched(long now) {
        fetching = null;
        if (mode == Mode.SYNCING) {
            sync.report(self, storage.applied());
            advanceSync(now);
            return;
        }
        if (!current) {
            current = true;
            out.add(new ReplicaEffect.Current(true));
        }
        acknowledge();
    }

    /**
     * A commit point another server told: it holds in every history that passes through it, so it
     * counts here once this server's history reaches it, and not before.
     */
    private void heard(Position p) {
        if (p.seq() > heardCommit.seq()) {
            heardCommit = p;
        }
        Position applied = storage.applied();
        if (heardCommit.seq() > committedView.committed().seq() && heardCommit.seq() <= applied.seq()
                && (heardCommit.equals(applied) || storage.holds(heardCommit))) {
            committedView.committed(heardCommit);
        }
    }

    private void onHeartbeat(StreamMessage.Heartbeat h) {
        if (mastership != null) {
            return;
        }
        heard(h.committed());
        if (h.round() > 0) {
            send(h.from(), new StreamMessage.HeartbeatAck(self, fence, h.round()));
        }
    }

    /** Tells the master how far this server's copy is durable, once per position and master. */
    private void acknowledge() {
        String master = view.master();
        if (master == null || master.equals(self) || mode != Mode.FOLLOWING
                || (durable.equals(ackSent) && master.equals(ackSentTo))) {
            return;
        }
        ackSent = durable;
        ackSentTo = master;
        send(master, new StreamMessage.Ack(self, fence, durable));
    }

    private void catchUpIfJoining(long now) {
        String master = view.master();
        if (view.role() == Role.JOINING && !current && master != null && !master.equals(self) && fetching == null) {
            fetch(now, master);
        }
    }

    private void diverged(String master) {
        notice("history at " + storage.applied() + " is not " + master + "'s: resyncing from it");
        if (current) {
            current = false;
            out.add(new ReplicaEffect.Current(false));
        }
    }

    private void fetch(long now, String from) {
        abandonFetch();
        fetching = new Fetching(from, ++requests, now + config.fetchTimeout());
        send(from, new StreamMessage.Fetch(self, fence, storage.applied(), fetching.request, mode == Mode.SYNCING));
    }

    private void abandonFetch() {
        if (fetching != null && fetching.restore != null) {
            fetching.restore.abandon();
        }
        fetching = null;
    }

    // ---- helpers ------------------------------------------------------------------------

    /** Asks the host to make what is applied durable, once per position. */
    private void persist() {
        Position applied = storage.applied();
        if (!applied.equals(persistAsked)) {
            persistAsked = applied;
            out.add(new ReplicaEffect.Persist(applied));
        }
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

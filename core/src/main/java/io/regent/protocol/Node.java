package io.regent.protocol;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One server's view of the election protocol (DESIGN.md §2). The host calls {@link #start},
 * {@link #receive}, {@link #fire}, {@link #handOver} and {@link #stop} with the current time and
 * then carries out what {@link #drain} returns. Not thread-safe: the host serialises inputs.
 *
 * <p>The master a server follows is always the owner of the newest epoch it has seen: any
 * message from a newer epoch moves the receiver onto it (a master steps down at once), and a
 * message from an older one is refused. Declarations and revocations therefore act through
 * their epochs; only a revocation needs a rule of its own (claims 16-17, 22-23): a master that
 * hears a worse-ranked declarer of its own term revokes it.
 */
public final class Node {

    private final ProtocolConfig config;
    private final String self;
    private final Membership members;
    private final DelayMatrix delays;
    private final Detection detection = new Detection();
    private final List<Effect> out = new ArrayList<>();
    private final Timers timers = new Timers(out);

    private boolean running;
    private Role role = Role.JOINING;
    private Epoch epoch = Epoch.NONE;
    private String master;
    private long suspectedAt = -1;
    private String suspected;
    private long lastInput = -1;
    private long dropped;
    private boolean stateGated;
    private boolean stateCurrent = true;
    /** Whether the master followed now has answered an inquiry since this server began to follow it. */
    private boolean masterAnswered;
    private long followingSince;
    /** When the master followed now last answered an inquiry. */
    private long lastAnswer;
    /** When the reply time-out set last is due, or -1: how late it runs shows this server's own delay. */
    private long replyDue = -1;
    /** Who supports this server's candidacy in the current epoch, while it canvasses. */
    private java.util.Set<String> supporters;
    /** When this server last asked for support. */
    private long canvassedAt;
    private boolean quorumLost;
    private boolean linkUp = true;
    /** When the link last came back: the quorum window runs again from there. */
    private long linkUpAt = Long.MIN_VALUE / 2;

    public Node(ProtocolConfig config) {
        this(config, Epoch.NONE);
    }

    /**
     * @param restored the newest epoch this server knew before it stopped (see {@link Effect.Persist}):
     *                 an epoch never goes back, across restarts included
     */
    public Node(ProtocolConfig config, Epoch restored) {
        this(config, restored, Configuration.bootstrap(config.members(), config.memberUrls()));
    }

    /**
     * @param configuration the configuration this server's history holds (the bootstrap one for a
     *                      new group): it ranks, counts and elects by it until {@link #reconfigure}
     */
    public Node(ProtocolConfig config, Epoch restored, Configuration configuration) {
        this.config = config;
        this.self = config.self();
        this.members = new Membership(configuration, self, config.index());
        this.delays = new DelayMatrix(self, config.minHop(), config.replyTimeout(), config.delayHistory());
        this.epoch = restored;
        // the owner of the newest epoch known is the master to look for (unless it was this server:
        // that mastership ended with the restart)
        String owner = restored.term() == 0 ? null : members.ownerOf(restored);
        this.master = self.equals(owner) ? null : owner;
    }

    // ---- inputs -------------------------------------------------------------------------

    public void start(long now) {
        if (running) {
            return;
        }
        running = true;
        lastInput = now;
        timers.every(TimerKind.PROBE, 0, config.probeInterval());
        timers.once(TimerKind.DISCOVERY, config.discoveryWindow());
        if (master != null) {
            startDetection(now); // joined once it answers, as after a declaration
        }
        broadcast(announcement(true));
    }

    /**
     * Makes joining wait for the host's replicated state: a JOINING server whose master has
     * answered becomes BACKUP (electable) only once {@link #stateCurrent} says it caught up, and
     * a server that rejoins after a stall must catch up again. Call before {@link #start}.
     */
    public void requireCurrentState() {
        stateGated = true;
        stateCurrent = false;
    }

    /** The host's replicated state has caught up with the master's (or has fallen behind it). */
    public void stateCurrent(long now, boolean current) {
        if (!stateGated || !running) {
            return;
        }
        observe(now);
        stateCurrent = current;
        if (current && role == Role.JOINING && masterAnswered) {
            become(now, Role.BACKUP);
        } else if (!current && role == Role.BACKUP) {
            become(now, Role.JOINING);
        }
    }

    /**
     * The host's link to the messaging fabric went down, or came back (it moved to another
     * broker). While it is down this server hears nobody, so a backup does not take its own
     * silence for its master's: it stops judging it, and starts again afresh once the link is
     * back. A broker's failure is not a master's. Nor does a master count the silence of a link
     * that is down against its quorum: it cannot hear anyone, it acknowledges nothing meanwhile
     * (no majority acknowledges), and it gets a full quorum window once the link is back.
     */
    public void link(long now, boolean up) {
        if (!running || linkUp == up) {
            return;
        }
        observe(now);
        linkUp = up;
        if (up) {
            linkUpAt = now;
        }
        boolean following = role == Role.BACKUP || role == Role.JOINING;
        if (!up && following) {
            stopDetection();
        } else if (up && following && master != null) {
            startDetection(now);
        }
    }

    /**
     * The fabric saw {@code peer}'s connection close: its process died, or it left the broker.
     * A hint, never a verdict (a live master that moved to another broker answers the next
     * inquiry): for the master a backup follows it counts as one missed inquiry, so a master that
     * died is suspected when the first inquiry after the hint runs out, one reply time-out after
     * the next aligned tick instead of after the usual run of misses. A reply that arrives after
     * the hint but answers an inquiry sent before it undoes nothing: it left before the master did.
     * The suspicion itself still comes from a reply time-out, at the same instant on every backup:
     * the best-ranked fires first.
     */
    public void departed(long now, String peer) {
        if (!running || !linkUp) {
            return;
        }
        observe(now);
        if (role == Role.BACKUP && peer.equals(master) && masterAnswered) {
            detection.departed();
        }
    }

    public void stop(long now) {
        running = false;
        timers.cancelAll();
    }

    /**
     * This server's history now holds {@code next} (DESIGN.md §9): majorities, rankings and who
     * may be elected follow it from now on. A master that is no longer a voter steps down (a
     * master removes others, never itself, but it may find its own removal in the history it
     * adopts as it takes over); a removed server keeps running but never votes or campaigns.
     */
    public void reconfigure(long now, Configuration next) {
        if (next.equals(members.configuration())) {
            return;
        }
        members.reconfigure(next);
        delays.retainOnly(new java.util.HashSet<>(members.ids()));
        notice(new Event.Reconfigured(now, next.version(), next.has(self), next.isVoter(self)));
        if (!next.isVoter(self)) {
            supporters = null; // a canvass it began as a voter ends here
            timers.cancel(TimerKind.ELECTION);
        }
        if (running && role == Role.MASTER && !next.isVoter(self)) {
            master = null;
            rejoin(now);
        }
    }

    /** Whether this server votes in the configuration its history holds. */
    public boolean voter() {
        return members.isVoter(self);
    }

    public void receive(long now, Message m) {
        if (!running) {
            return;
        }
        observe(now);
        String problem = MessageCheck.problem(m, self, members);
        if (problem != null) {
            drop(now, m == null ? null : m.from(), problem);
            return;
        }
        // a candidacy may come from a server this one does not know yet: the change that added it
        // is not in this server's history, which may be stale exactly because no master is left to
        // bring it up to date, and supporting it is how the group elects one (Raft's servers, too,
        // answer a vote request without consulting their configuration); it is not a member heard
        if (members.knows(m.from())) {
            members.heard(m.from(), now);
            measure(now, m);
        }
        if (m.epoch().isOlderThan(epoch)) {
            onStale(now, m);
            return;
        }
        if (m.epoch().isNewerThan(epoch)) {
            follow(now, m.epoch());
        }
        if (m instanceof Message.Inquiry q) {
            onInquiry(q);
        } else if (m instanceof Message.Reply r) {
            onReply(now, r);
        } else if (m instanceof Message.Handover h) {
            onHandover(now, h);
        } else if (m instanceof Message.Announcement a && a.solicit()) {
            send(a.from(), announcement(false));
        } else if (m instanceof Message.Candidacy c) {
            onCandidacy(now, c);
        } else if (m instanceof Message.Support s) {
            onSupport(now, s);
        }
    }

    public void fire(long now, TimerKind kind, long token) {
        if (!running || !timers.fired(kind, token)) {
            return;
        }
        observe(now);
        switch (kind) {
            case PROBE -> {
                broadcast(new Message.Probe(self, epoch, now));
                // while no master is known, keep asking: an earlier answer may have been lost
                broadcast(announcement(role == Role.JOINING && master == null));
            }
            case DISCOVERY -> {
                if (role != Role.JOINING) {
                    return;
                }
                if (members.anyActive(self, now, config.liveWindow())) {
                    // a running group is out there: wait for its master (or the one it elects)
                    // rather than elect a server that has not caught up
                    broadcast(announcement(true));
                    timers.once(TimerKind.DISCOVERY, config.discoveryWindow());
                } else {
                    // no master answered and no group is running: a new group, elect
                    suspect(now, master, 0);
                }
            }
            case DETECTION -> inquire(now);
            case REPLY_TIMEOUT -> onReplyTimeout(now);
            case ELECTION -> {
                if (role != Role.WAITING) {
                    return;
                }
                quorumLost = !hearsMajority(now);
                if (!quorumLost && voter()) { // a learner waits for the voters' master
                    canvass(now);
                }
                // a server cut off from most of the group must not open an epoch: it could not
                // commit in it, and its newer epoch would depose the majority's master. It asks
                // again a detection interval later, unless a majority supports it meanwhile.
                timers.once(TimerKind.ELECTION, config.detectionInterval());
            }
            case PREEMPT -> {
                if (role == Role.BACKUP && master != null && voter() && ranksBefore(self, master) && hearsMajority(now)) {
                    declare(now, Event.Declared.Cause.PREEMPT);
                }
            }
            case QUORUM -> {
                boolean couldHear = linkUp && now - linkUpAt >= config.quorumWindow();
                if (role == Role.MASTER && couldHear && !hearsMajority(now)) {
                    loseQuorum(now);
                }
            }
        }
    }

    /**
     * Planned handover (DESIGN.md §2.5): the master asks {@code target}, or the best-ranked live
     * backup when null, to declare itself, and stops acting as master at once.
     *
     * @return the server asked, or empty if this is not the master or no backup can take over
     */
    public Optional<String> handOver(long now, String target) {
        if (!running) {
            return Optional.empty();
        }
        observe(now);
        if (role != Role.MASTER) {
            return Optional.empty();
        }
        List<String> candidates = members.liveBackups(self, now, config.liveWindow(), self);
        // a server catching up, or one that lost its master (its history may be a stale branch
        // it has not yet traded for the master's), would leave the group without a master
        candidates.removeIf(id -> members.announcedRole(id) == Role.JOINING || members.announcedRole(id) == Role.WAITING);
        String chosen = target == null ? candidates.stream().findFirst().orElse(null)
                : candidates.contains(target) ? target : null;
        if (chosen == null) {
            return Optional.empty();
        }
        send(chosen, new Message.Handover(self, epoch, chosen));
        timers.cancel(TimerKind.QUORUM);
        master = chosen;
        masterAnswered = false;
        followingSince = now;
        become(now, Role.BACKUP);
        startDetection(now);
        notice(new Event.HandedOver(now, chosen, epoch));
        return Optional.of(chosen);
    }

    /** What the host must do now; empties the outbox. */
    public List<Effect> drain() {
        List<Effect> effects = List.copyOf(out);
        out.clear();
        return effects;
    }

    // ---- views --------------------------------------------------------------------------

    public boolean running() {
        return running;
    }

    public Role role() {
        return role;
    }

    public Epoch epoch() {
        return epoch;
    }

    /** The master this server follows (itself when master), or null if none is known. */
    public String master() {
        return master;
    }

    /** The address of the master, or null if unknown. */
    public String masterAddress() {
        if (master == null) {
            return null;
        }
        return master.equals(self) ? config.address() : members.address(master);
    }

    public String self() {
        return self;
    }

    public Membership members() {
        return members;
    }

    public DelayMatrix delays() {
        return delays;
    }

    /**
     * Peers that follow this server's lead and are live by the protocol's own evidence: heard of
     * (their inquiries, at least) within the time backups take to judge a master, and not
     * announced as JOINING. A master waits for these to acknowledge a replicated write.
     */
    public List<String> liveFollowers(long now) {
        return members.liveFollowers(self, now, config.followerWindow());
    }

    /**
     * Peers heard of within the follower window, whatever role they announced, less the master
     * this server last found not functional unless it has been heard from since: a new master
     * asks these where their state stands, and need not wait for the one it judged dead.
     */
    public List<String> livePeers(long now) {
        List<String> peers = members.heardWithin(self, now, config.followerWindow());
        peers.removeIf(id -> id.equals(suspected) && members.lastHeard(id) <= suspectedAt);
        return peers;
    }

    /** Messages refused as forged or malformed. */
    public long dropped() {
        return dropped;
    }

    /** Whether this server last stepped down, or could not declare, for want of a majority. */
    public boolean lostQuorum() {
        return quorumLost;
    }

    // ---- message handling ---------------------------------------------------------------

    private void observe(long now) {
        long gap = now - lastInput;
        lastInput = Math.max(lastInput, now);
        if (gap > config.stallThreshold() && role != Role.JOINING) {
            rejoin(now, gap);
        }
    }

    /**
     * After a stall the group has likely moved on, and what this server is about to process is
     * a backlog: as JOINING it neither acts as master nor judges its master until it answers.
     */
    private void rejoin(long now, long gap) {
        notice(new Event.Stalled(now, gap));
        rejoin(now);
    }

    /** Starts over as JOINING: not electable, and judging nobody until its master answers. */
    private void rejoin(long now) {
        timers.cancel(TimerKind.ELECTION);
        timers.cancel(TimerKind.PREEMPT);
        timers.cancel(TimerKind.QUORUM);
        if (self.equals(master)) {
            master = null;
        }
        if (stateGated) {
            stateCurrent = false;
        }
        masterAnswered = false;
        become(now, Role.JOINING);
        timers.once(TimerKind.DISCOVERY, config.discoveryWindow());
        if (master != null) {
            startDetection(now);
        } else {
            stopDetection();
        }
    }

    private void measure(long now, Message m) {
        if (m instanceof Message.Probe p) {
            send(p.from(), new Message.ProbeEcho(self, epoch, p.sentAt()));
        } else if (m instanceof Message.ProbeEcho e) {
            delays.sample(e.from(), now - e.sentAt());
            notice(new Event.RoundTrip(now, e.from(), true, now - e.sentAt()));
        } else if (m instanceof Message.Announcement a) {
            members.announced(a.from(), a.role(), a.address());
            if (a.index() != 0) {
                members.ranked(a.from(), a.index(), a.capacity());
            }
            Map<String, Long> row = new HashMap<>(a.delays());
            row.keySet().removeIf(id -> !members.knows(id));
            delays.acceptRow(a.from(), row);
        }
    }

    /** A message from an older epoch changes nothing here, but its sender is behind. */
    private void onStale(long now, Message m) {
        boolean rivalDeclarer = m instanceof Message.Declaration || m instanceof Message.Revocation;
        if (rivalDeclarer && role == Role.MASTER && m.epoch().term() == epoch.term()) {
            broadcast(new Message.Revocation(self, epoch, m.from()));
            notice(new Event.Revoked(now, m.from(), epoch));
        } else if (!(m instanceof Message.ProbeEcho)) {
            send(m.from(), announcement(false));
        }
    }

    /** Moves onto a newer epoch: its owner is the master now (claims 14-15, 18-21). */
    private void follow(long now, Epoch newer) {
        setEpoch(newer);
        quorumLost = false;
        timers.cancel(TimerKind.QUORUM);
        String owner = members.ownerOf(newer);
        if (owner == null) {
            // the epoch of a member this server's stale history does not know: nobody to follow
            // until the stream brings that history up to date; join whoever the group elects
            master = null;
            if (role != Role.JOINING) {
                rejoin(now);
            }
            return;
        }
        if (owner.equals(self)) {
            // our own epoch from before a restart: the master it names is gone, so elect
            master = null;
            if (role != Role.WAITING) {
                suspect(now, null, 0);
            }
            return;
        }
        master = owner;
        masterAnswered = false;
        followingSince = now;
        timers.cancel(TimerKind.ELECTION);
        timers.cancel(TimerKind.PREEMPT);
        if (role == Role.JOINING) {
            // joined only once the master answers: a cold server must not judge it dead
            timers.once(TimerKind.DISCOVERY, config.discoveryWindow());
        } else {
            timers.cancel(TimerKind.DISCOVERY);
            become(now, Role.BACKUP);
        }
        startDetection(now);
        if (config.preempt() && ranksBefore(self, master)) {
            timers.once(TimerKind.PREEMPT, config.preemptDelay());
        }
    }

    private void onInquiry(Message.Inquiry q) {
        if (role == Role.MASTER) {
            send(q.from(), new Message.Reply(self, epoch, q.seq()));
        }
    }

    private void onReply(long now, Message.Reply r) {
        if (role == Role.MASTER || !r.from().equals(master) || !detection.answeredBy(r.seq(), now)) {
            return;
        }
        long roundTrip = detection.lastRoundTrip();
        if (roundTrip >= 0) {
            notice(new Event.RoundTrip(now, r.from(), false, roundTrip));
        }
        timers.cancel(TimerKind.REPLY_TIMEOUT);
        if (detection.departureStands()) {
            // answered before its connection closed: the inquiries sent since decide
            armReplyTimeout(now);
            return;
        }
        masterAnswered = true;
        lastAnswer = now;
        if (role == Role.JOINING) {
            timers.cancel(TimerKind.DISCOVERY);
            if (stateCurrent) {
                become(now, Role.BACKUP);
            }
        } else if (role == Role.WAITING) {
            // a late reply from the master settles the question (claims 7-8)
            timers.cancel(TimerKind.ELECTION);
            become(now, Role.BACKUP);
            startDetection(now);
        }
    }

    /**
     * Supports a candidate unless this server hears a master: it is one, or its master answered it
     * within the reply time-out. Survivors of a crash have all stopped hearing theirs by the time
     * the first of them canvasses; a server cut off alone gets no answer at all. A candidate still
     * gathering support backs only a better-ranked one: when two candidacies cross (one survivor
     * suspected later than the other, its delay no longer staggered), only the better is elected.
     * Whether the candidate votes is its own history's to say: this server's may be stale (a
     * learner it knows may have been promoted since), and a server campaigns only as a voter.
     */
    private void onCandidacy(long now, Message.Candidacy c) {
        boolean hearsMaster = role == Role.MASTER
                || (role == Role.BACKUP && masterAnswered && now - lastAnswer <= config.replyTimeout());
        boolean rivalRanksAfter = canvassing(now) && ranksBefore(self, c.from());
        if (!hearsMaster && !rivalRanksAfter) {
            send(c.from(), new Message.Support(self, epoch, c.from()));
        }
    }

    /** Waiting for support asked for within the reply time-out, in this epoch. */
    private boolean canvassing(long now) {
        return role == Role.WAITING && supporters != null && now - canvassedAt <= config.replyTimeout();
    }

    private void onSupport(long now, Message.Support s) {
        if (role != Role.WAITING || supporters == null || !s.candidate().equals(self)
                || !s.epoch().equals(epoch)) {
            return;
        }
        supporters.add(s.from());
        if (supportingVoters() >= quorum()) {
            declare(now, Event.Declared.Cause.ELECTION);
        }
    }

    /**
     * Voters of the configuration in force that back this candidacy, this server included: a change
     * applied while it canvasses counts too, so support from a server since removed does not.
     */
    private int supportingVoters() {
        int voters = voter() ? 1 : 0;
        for (String id : supporters) {
            if (members.isVoter(id)) {
                voters++;
            }
        }
        return voters;
    }

    /** The election timer ran out: ask the others whether they, too, have lost their master. */
    private void canvass(long now) {
        supporters = new java.util.HashSet<>();
        canvassedAt = now;
        if (supportingVoters() >= quorum()) {
            declare(now, Event.Declared.Cause.ELECTION);
            return;
        }
        broadcast(new Message.Candidacy(self, epoch));
    }

    private void onHandover(long now, Message.Handover h) {
        boolean following = role == Role.BACKUP || role == Role.WAITING;
        if (following && h.target().equals(self) && h.from().equals(master) && voter() && hearsMajority(now)) {
            declare(now, Event.Declared.Cause.HANDOVER);
        }
    }

    // ---- detection and election ---------------------------------------------------------

    private void startDetection(long now) {
        if (!linkUp) {
            return; // judged again once the link is back
        }
        detection.reset();
        timers.cancel(TimerKind.REPLY_TIMEOUT);
        if (!timers.pending(TimerKind.DETECTION)) {
            // aligned ticks: all backups inquire, and so suspect a crash, at the same instants
            long interval = config.detectionInterval();
            timers.every(TimerKind.DETECTION, interval - Math.floorMod(now, interval), interval);
        }
    }

    private void stopDetection() {
        timers.cancel(TimerKind.DETECTION);
        timers.cancel(TimerKind.REPLY_TIMEOUT);
    }

    private void inquire(long now) {
        boolean following = role == Role.BACKUP || role == Role.JOINING || role == Role.WAITING;
        if (!following || master == null) {
            stopDetection();
            return;
        }
        send(master, new Message.Inquiry(self, epoch, detection.nextInquiry(now)));
        if (!timers.pending(TimerKind.REPLY_TIMEOUT)) {
            replyDue = now + replyTimeout();
            timers.once(TimerKind.REPLY_TIMEOUT, replyDue - now);
        }
    }

    private void onReplyTimeout(long now) {
        int misses = detection.missed();
        // a joining server leaves the verdict to its discovery window; so does a backup whose new
        // master has not answered yet (just after a heal, the path to it may still be forming)
        boolean judged = masterAnswered || now - followingSince >= config.discoveryWindow();
        if (role == Role.BACKUP && misses >= config.misses() && judged) {
            suspect(now, master, Math.max(0, now - replyDue));
            return;
        }
        armReplyTimeout(now);
    }

    /** The reply timer for the oldest inquiry still unanswered, if any. */
    private void armReplyTimeout(long now) {
        long due = detection.nextDeadline(replyTimeout());
        if (due >= 0) {
            replyDue = due;
            timers.once(TimerKind.REPLY_TIMEOUT, due - now);
        }
    }

    /**
     * The master (or, at start, anyone) is not functional: wait D(self), then declare.
     *
     * @param late how long after it was due the reply time-out that judged it ran (0 if none did)
     */
    private void suspect(long now, String failed, long late) {
        // while it waits, a server keeps asking the master it suspects: if the others still hear
        // it and support no candidate, a late reply settles the question (claims 7-8)
        if (failed == null) {
            stopDetection();
        }
        become(now, Role.WAITING);
        suspectedAt = now;
        suspected = failed;
        List<String> backups = members.liveBackups(self, now, config.liveWindow(), failed);
        long delay = ElectionDelay.of(self, backups, delays, config.electionBase(), config.detectionSkew());
        timers.once(TimerKind.ELECTION, delay);
        long sinceAnswer = failed != null && masterAnswered ? now - lastAnswer : -1;
        notice(new Event.MasterSuspected(now, failed, config.misses(), delay, sinceAnswer, late));
    }

    private void declare(long now, Event.Declared.Cause cause) {
        supporters = null;
        setEpoch(epoch.next(config.index()));
        master = self;
        stopDetection();
        timers.cancel(TimerKind.ELECTION);
        timers.cancel(TimerKind.PREEMPT);
        timers.cancel(TimerKind.DISCOVERY);
        become(now, Role.MASTER);
        timers.every(TimerKind.QUORUM, config.detectionInterval(), config.detectionInterval());
        broadcast(new Message.Declaration(self, epoch));
        long took = cause == Event.Declared.Cause.ELECTION && suspectedAt >= 0 ? now - suspectedAt : 0;
        notice(new Event.Declared(now, epoch, cause, took));
    }

    /**
     * Check-quorum (DESIGN.md §2.5): a master that has not heard a majority of the configured group
     * within the quorum window steps down, so a master cut off from the others stops acting as
     * master within a bounded time, whatever the acknowledgement mode. It stays up and rejoins.
     */
    private void loseQuorum(long now) {
        quorumLost = true;
        int heard = members.votersHeardWithin(self, now, config.quorumWindow());
        notice(new Event.QuorumLost(now, heard, quorum(), epoch));
        // cut off from the majority, which has likely elected another master by now: come back
        // as a joining server, which judges no master before it answered and elects nobody while
        // a running group is heard, rather than depose the majority's master as the link heals
        master = null;
        rejoin(now);
    }

    /** Whether this server has heard enough voters, itself included if it votes, to make a majority. */
    private boolean hearsMajority(long now) {
        return members.votersHeardWithin(self, now, config.quorumWindow()) >= quorum();
    }

    private int quorum() {
        return members.configuration().majority();
    }

    /** The epoch must be durable before anything that depends on it leaves this server. */
    private void setEpoch(Epoch next) {
        epoch = next;
        supporters = null; // support is for a candidacy in the epoch it was asked in
        out.add(new Effect.Persist(next));
    }

    // ---- helpers ------------------------------------------------------------------------

    private long replyTimeout() {
        return detection.timeout(config.replyTimeout(), config.replyTimeoutCeiling());
    }

    /** An unknown server (a candidate from a change this server has not applied) ranks last. */
    private boolean ranksBefore(String a, String b) {
        return rank(a) < rank(b);
    }

    private int rank(String id) {
        return members.knows(id) ? members.indexOf(id) : Integer.MAX_VALUE;
    }

    private void become(long now, Role next) {
        if (role != next) {
            Role previous = role;
            role = next;
            notice(new Event.RoleChanged(now, previous, next, master, epoch));
            if (stateGated && (previous == Role.JOINING || next == Role.JOINING)) {
                // a master counts only caught-up followers: tell it now, not at the next probe
                broadcast(announcement(false));
            }
        }
    }

    private Message.Announcement announcement(boolean solicit) {
        return new Message.Announcement(self, epoch, role, config.address(), delays.ownRow(), solicit, config.index(),
                config.capacity());
    }

    private void send(String to, Message m) {
        out.add(new Effect.Send(to, m));
    }

    private void broadcast(Message m) {
        out.add(new Effect.Send(null, m));
    }

    private void notice(Event e) {
        out.add(new Effect.Notice(e));
    }

    private void drop(long now, String from, String reason) {
        dropped++;
        notice(new Event.Dropped(now, from, reason));
    }
}

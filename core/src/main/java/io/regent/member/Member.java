package io.regent.member;

import io.regent.protocol.Configuration;
import io.regent.protocol.Effect;
import io.regent.protocol.Epoch;
import io.regent.protocol.Message;
import io.regent.protocol.Node;
import io.regent.protocol.ProtocolConfig;
import io.regent.protocol.TimerKind;
import io.regent.replication.ConfigurationRecord;
import io.regent.replication.GroupView;
import io.regent.replication.Position;
import io.regent.replication.Proposal;
import io.regent.replication.Replica;
import io.regent.replication.ReplicaEffect;
import io.regent.replication.ReplicaStorage;
import io.regent.replication.ReplicationConfig;
import io.regent.replication.StateMachine;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One server of the group: the election protocol ({@link Node}) and the replicated state
 * ({@link Replica}) composed, still with no clock, thread or I/O of its own. The replica follows
 * the protocol's view (role, epoch, master, who is live) after every input, and the protocol
 * lets a joining server become electable only once its replica has caught up. The Liberty host
 * and the simulation drive this same class, so the simulation checks the server as it runs.
 *
 * <p>Not thread-safe: the host serialises inputs.
 */
public final class Member {

    private final Node node;
    private final Replica replica;
    private final List<MemberEffect> out = new ArrayList<>();
    private GroupView view = GroupView.NONE;
    /** Whether {@link #view}'s lists of live servers are as of the last tick or role change. */
    private boolean refreshed;

    /**
     * @param restored the newest epoch this server had persisted; {@code storage} holds its state
     */
    public Member(ProtocolConfig protocol, ReplicationConfig replication, Epoch restored, ReplicaStorage storage,
            StateMachine machine) {
        this(protocol, replication, restored, storage, machine, ConfigurationRecord.NONE,
                Configuration.bootstrap(protocol.members(), protocol.memberUrls()));
    }

    /**
     * @param record    where {@code machine}'s state records the group's configuration
     * @param bootstrap the configuration that stands until the state records one: every member
     *                  voting for a new group, or this server as a learner when it joins a running
     *                  group (it learns the group's configuration from the log or a snapshot)
     */
    public Member(ProtocolConfig protocol, ReplicationConfig replication, Epoch restored, ReplicaStorage storage,
            StateMachine machine, ConfigurationRecord record, Configuration bootstrap) {
        this.replica = new Replica(replication, storage, machine, bootstrap, record);
        this.node = new Node(protocol, restored, replica.configuration());
        this.node.requireCurrentState();
    }

    // ---- inputs -------------------------------------------------------------------------

    public void start(long now) {
        node.start(now);
        settle(now);
    }

    public void stop(long now) {
        node.stop(now);
        settle(now);
    }

    /** A message of the control topic. */
    public void receive(long now, Message m) {
        node.receive(now, m);
        settle(now);
    }

    /** A message of the requests topic. */
    public void receive(long now, io.regent.replication.StreamMessage m) {
        replica.receive(now, m);
        settle(now);
    }

    /** The host's link to the messaging fabric went down or came back; see {@link Node#link}. */
    public void link(long now, boolean up) {
        node.link(now, up);
        if (up) {
            replica.linkRestored(now);
        }
        settle(now);
    }

    /** The fabric saw a server's connection close; see {@link Node#departed}. */
    public void departed(long now, String server) {
        node.departed(now, server);
        settle(now);
    }

    /** A timer the protocol asked for has fired. */
    public void fire(long now, TimerKind kind, long token) {
        node.fire(now, kind, token);
        settle(now);
    }

    /** The host's periodic tick: followers age, writes time out, fetches are asked again. */
    public void tick(long now) {
        refreshed = false; // who is live changes with time alone: look again
        settle(now);
        replica.tick(now);
        settle(now);
    }

    /** A client's write: sequenced if this server is the master open for writes. */
    public Proposal propose(long now, String command) {
        Proposal p = replica.propose(now, command);
        settle(now);
        return p;
    }

    /** A linearizable read; see {@link Replica#read}. */
    public boolean read(long now, long ticket) {
        boolean open = node.running() && replica.read(now, ticket);
        settle(now);
        return open;
    }

    /** The host made what was applied up to {@code p} durable. */
    public void durable(long now, Position p) {
        replica.durable(now, p);
        settle(now);
    }

    /** Planned handover; see {@link Node#handOver}. */
    public Optional<String> handOver(long now, String target) {
        Optional<String> chosen = node.handOver(now, target);
        settle(now);
        return chosen;
    }

    /** What the host must do now, in order; empties the outbox. */
    public List<MemberEffect> drain() {
        List<MemberEffect> effects = List.copyOf(out);
        out.clear();
        return effects;
    }

    // ---- views --------------------------------------------------------------------------

    public Node node() {
        return node;
    }

    public Replica replica() {
        return replica;
    }

    /** Open for writes: the protocol's master whose replica has synced and sequences writes. */
    public boolean open() {
        return node.running() && replica.open();
    }

    // ---- composition --------------------------------------------------------------------

    /**
     * Passes effects on until neither core has anything more to say. The replica sees every change
     * of role, epoch or master at once; the lists of live servers, which change with time alone,
     * are taken again at each tick and with each such change (not on every input: they cost a scan).
     */
    private void settle(long now) {
        boolean more = true;
        while (more) {
            more = false;
            for (Effect e : node.drain()) {
                out.add(new MemberEffect.Protocol(e));
            }
            boolean changed = node.role() != view.role() || !node.epoch().equals(view.epoch())
                    || !java.util.Objects.equals(node.master(), view.master());
            if (changed || !refreshed) {
                GroupView next = new GroupView(node.role(), node.epoch(), node.master(), node.liveFollowers(now),
                        node.livePeers(now));
                refreshed = true;
                if (!next.equals(view)) {
                    view = next;
                    replica.view(now, next);
                }
            }
            for (ReplicaEffect e : replica.drain()) {
                if (e instanceof ReplicaEffect.Current c) {
                    node.stateCurrent(now, c.current());
                    more = true;
                } else if (e instanceof ReplicaEffect.Reconfigured r) {
                    node.reconfigure(now, r.configuration());
                    refreshed = false; // who counts as a live follower changed with it
                    more = true;
                }
                out.add(new MemberEffect.Replication(e));
            }
        }
    }
}

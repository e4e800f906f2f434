package io.regent.group;

import io.regent.host.EventLog;
import io.regent.host.GroupStatus;
import io.regent.host.HealthView;
import io.regent.host.LatencyStats;
import io.regent.host.MemberHost;
import io.regent.host.MembersStatus;
import io.regent.host.NotOpenReason;
import io.regent.host.ReadOutcome;
import io.regent.host.RegentSettings;
import io.regent.host.Release;
import io.regent.host.ReplicationStatus;
import io.regent.host.WriteOutcome;
import io.regent.kv.KeyValueStore;
import io.regent.machines.Machine;
import io.regent.machines.Machines;
import io.regent.member.Member;
import io.regent.membership.ConfigurationMachine;
import io.regent.platform.ApplicationMachines;
import io.regent.platform.MastershipState;
import io.regent.platform.RoleEvents;
import io.regent.protocol.Configuration;
import io.regent.protocol.DelayMatrix;
import io.regent.protocol.Effect;
import io.regent.protocol.Epoch;
import io.regent.protocol.Event;
import io.regent.protocol.Membership;
import io.regent.protocol.Message;
import io.regent.protocol.Role;
import io.regent.protocol.Seat;
import io.regent.protocol.TimerKind;
import io.regent.replication.CommittedView;
import io.regent.replication.Position;
import io.regent.replication.Replica;
import io.regent.replication.StateSpace;
import io.regent.replication.StorageException;
import io.regent.replication.StreamMessage;
import io.regent.storage.DiskStorage;
import io.regent.upgrade.GroupVersionMachine;
import io.regent.upgrade.ProtocolVersion;
import io.regent.wire.ControlCodec;
import io.regent.wire.Frame;
import io.regent.wire.FrameCodec;
import io.regent.wire.Malformed;
import io.regent.wire.ReplayMarks;
import io.regent.wire.StreamCodec;
import io.regent.wire.Topic;
import io.regent.wire.UnspokenVersion;
import io.regent.watch.Watches;
import org.eclipse.microprofile.metrics.MetricRegistry;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * This server as the rest of the application sees it, in plain Java: the member running on its
 * host, its storage, the fabric, what it sends ({@link Outbound}) and the frames that come in
 * ({@link FrameAdmission}), and what the REST API, health checks and metrics ask. The
 * {@link GroupEngine} EJB makes one at start and gives it the container's timers; everything else
 * calls it directly, without an EJB call per request or per message.
 */
public final class GroupService {

    private static final Logger LOG = Logger.getLogger(GroupService.class.getName());
    /** Watches and event streams open at once on one server. */
    private static final int MAX_STREAMS = 1_000;
    /** An acknowledgement's frame is a few hundred bytes; nothing longer is read from the direct port. */
    private static final int DIRECT_FRAME_BYTES = 4_096;

    /** What only the container can do: timers, and starting the replica's tick. */
    interface Container extends MemberHost.Timers {
        /** The protocol has started: stop the warm-up probes, start the tick. */
        void started();

        /** Delivers a role event to the application's observers (CDI), on the calling thread. */
        void fire(Object event);
    }

    private final RegentSettings settings;
    private final DiskStorage storage;
    private final ApplicationMachines machines;
    private final MemberHost host;
    private final FrameAdmission admission;
    private final ControlCodec controlCodec = new ControlCodec();
    private final StreamCodec streamCodec = new StreamCodec();
    private final Outbound outbound;
    private final GroupVersions versions;
    private final VersionRefusals refusals;
    /** A voter counts as speaking a version while it was heard at it within this many of its announcement periods. */
    private static final int VERSION_FRESH_PROBES = 3;
    /** Takes acknowledgements straight from the followers, when addresses are configured; else null. */
    private final DirectListener directListener;
    private final BrokerLink broker;
    private final Fabric fabric;
    private final Container container;
    private final RoleEndpoint roleEndpoint;
    private final EventLog events = new EventLog();
    private final LatencyStats inquiryRoundTrips = new LatencyStats(1_024);
    private final LatencyStats probeRoundTrips = new LatencyStats(1_024);
    private final AtomicLong dropped = new AtomicLong();
    /** How often the replay marks are kept while the server runs, ms: a crash forgets at most this much. */
    private static final long REPLAY_MARKS_EVERY = 1_000;
    private long replayMarksKeptAt;
    private byte[] replayMarksKept = new byte[0];
    private boolean replayMarksClosed;
    private final GroupMetrics metrics;
    private final Watches watches;
    private final RoleEvents roleEvents;
    /** Started once the protocol starts; null unless a warm-up user is configured. */
    private final Thread httpWarmUp;
    private volatile boolean started;
    private volatile boolean left;

    /**
     * @param machines the application's replicated state machines, which the key-value store runs
     *                 beside in the one log
     */
    GroupService(RegentSettings settings, DiskStorage storage, ApplicationMachines machines, Container container,
            MetricRegistry registry, ThreadFactory threads) {
        this.settings = settings;
        this.storage = storage;
        this.machines = machines;
        this.container = container;
        Epoch restored = storage.epoch();
        Set<String> memberIds = settings.protocol().members().keySet();
        refusals = new VersionRefusals(settings.serverId(), memberIds);
        versions = new GroupVersions(settings.serverId(), memberIds, recordedVersion(storage),
                VERSION_FRESH_PROBES * settings.protocol().probeInterval(), refusals);
        List<Machine> builtIn = new ArrayList<>(machines.machines());
        builtIn.add(new GroupVersionMachine());
        ConfigurationMachine configurations = new ConfigurationMachine();
        builtIn.add(configurations);
        Member member = new Member(settings.protocol(), settings.replication(), restored, storage,
                new Machines(new KeyValueStore(settings.limits().storeBytes(), settings.limits().storeKeys()),
                        builtIn, settings.limits().storeBytes()), configurations,
                Configuration.bootstrap(settings.protocol().members(), settings.protocol().memberUrls()));
        FrameCodec frames = new FrameCodec(settings.serverId(), settings.pairKeys());
        admission = new FrameAdmission(settings.group(), settings.serverId(), settings.protocol().members().keySet(),
                frames, ReplayMarks.decode(storage.replayMarks()));
        broker = new BrokerLink(3 * settings.protocol().probeInterval());
        fabric = new Fabric(brokers(settings.fabric()), settings.fabric().user(), settings.fabric().password(),
                settings.serverId(), Map.of(Topic.CONTROL, settings.controlTopic(), Topic.STREAM, settings.requestsTopic()),
                settings.limits().frameBytes(), new Inbound(), broker, threads);
        TopicPublisher.Sender sender = new TopicPublisher.Sender(settings.group(), settings.serverId(),
                storage.incarnation(), frames, versions::writes);
        Map<String, InetSocketAddress> ackAddresses = settings.fabric().ackAddresses();
        LinkSockets linkSockets = ackAddresses.isEmpty() ? null : LinkSockets.of(settings.fabric().tls());
        outbound = new Outbound(fabric, sender, settings.limits().queueBytes(), settings.limits().messageBytes(),
                ackAddresses, linkSockets, threads);
        host = new MemberHost(member, System::currentTimeMillis, container, outbound, new Disk(),
                new Observer(), settings.storage().fsync(), threads);
        metrics = new GroupMetrics(registry, host::snapshot, this::isReady, versions::group, versions::writes);
        watches = new Watches(settings.serverId(), storage, host.snapshot(), System::currentTimeMillis, MAX_STREAMS,
                settings.limits().watchBehind(), threads);
        roleEvents = new RoleEvents(settings.serverId(), host::snapshot, container::fire, threads);
        roleEndpoint = roleEndpoint(settings.rolePort());
        directListener = ackAddresses.isEmpty() ? null : directListener(ackAddresses, linkSockets, threads);
        httpWarmUp = settings.warmUp() == null ? null : threads.newThread(new HttpWarmUp(settings.url(), settings.warmUp(),
                what -> {
                    events.record(System.currentTimeMillis(), "WarmUp", what);
                    LOG.info(() -> "Regent " + settings.serverId() + " warm-up: " + what);
                }));
        if (httpWarmUp != null) {
            httpWarmUp.setName("regent-http-warm-up");
        }
        LOG.info(() -> "Regent " + Release.current() + ", server " + settings.serverId() + " (index " + settings.protocol().index() + ") joining group "
                + settings.group() + " at protocol version " + versions.group() + ": state " + storage.applied()
                + " and epoch " + restored + " recovered from "
                + storage.dir() + " (run " + storage.incarnation() + ")"
                + (machines.machines().isEmpty() ? "" : "; the application's state machines: "
                        + machines.machines().stream().map(Machine::name).toList()));
    }

    /**
     * The group's version as this server's own copy holds it.
     *
     * @throws StorageException, after closing the storage, when this build cannot serve a group at it
     */
    private static int recordedVersion(DiskStorage storage) {
        int recorded = GroupVersionMachine.read(storage.space());
        String refusal = ProtocolVersion.refusal(recorded);
        if (refusal != null) {
            storage.close();
            throw new StorageException("Regent " + Release.current() + " cannot serve the data in " + storage.dir()
                    + ": " + refusal, null);
        }
        return recorded;
    }

    // ---- lifecycle ------------------------------------------------------------------------

    /** Until the protocol starts: a probe to itself, to learn that its subscription is live. */
    void warmUp() {
        if (!started) {
            outbound.control(new Effect.Send(null, new Message.Probe(settings.serverId(), Epoch.NONE,
                    System.currentTimeMillis())));
            outbound.send();
        }
    }

    /** Leaving the group on purpose: a master hands over first and waits for it to go out. */
    void leave() {
        if (!started || left) {
            return;
        }
        left = true;
        host.handOver(null).ifPresent(target -> LOG.info(() -> "Handing mastership to " + target + " on stop"));
        outbound.flushControl(1_000);
    }

    void stop() {
        if (httpWarmUp != null) {
            httpWarmUp.interrupt(); // it may still be waiting for the endpoint
        }
        machines.stop();
        watches.close();
        roleEvents.close();
        if (roleEndpoint != null) {
            roleEndpoint.close();
        }
        host.stop();
        outbound.close();
        if (directListener != null) {
            directListener.close();
        }
        fabric.close();
        synchronized (this) {
            keepReplayMarks();
            replayMarksClosed = true; // a tick still running must not write to a closed store
        }
        storage.close();
    }

    void fire(TimerKind kind, long token) {
        host.fire(kind, token);
    }

    void tick() {
        host.tick();
        versions.refresh(host.committedView());
        versions.warnOfMembersBehind();
        MemberHost.Snapshot member = host.snapshot();
        if (member.role() == Role.MASTER && member.whyNotOpen() == null) {
            // through the host, not propose(): the raise is no client's write and stays out of the write metrics
            versions.raiseIfAllSpeak(command -> host.propose(command, member.epoch()), System.currentTimeMillis());
        }
        long now = System.currentTimeMillis();
        if (now - replayMarksKeptAt >= REPLAY_MARKS_EVERY) {
            replayMarksKeptAt = now;
            keepReplayMarks();
        }
    }

    /** What frames this server took last, so that its next run takes none of them again (DESIGN.md §6). */
    private synchronized void keepReplayMarks() {
        if (replayMarksClosed) {
            return;
        }
        byte[] marks = ReplayMarks.encode(admission.marks());
        if (java.util.Arrays.equals(marks, replayMarksKept)) {
            return;
        }
        try {
            storage.keepReplayMarks(marks);
            replayMarksKept = marks;
        } catch (StorageException e) {
            // the marks only shorten what a replay after a restart could reach; the write path finds a failed disk itself
            LOG.warning(() -> "could not keep the replay marks: " + e.getMessage());
        }
    }


    // ---- frames from the fabric ---------------------------------------------------------

    private final class Inbound implements Fabric.Inbound {
        @Override
        public void receive(Topic topic, byte[] frame) {
            GroupService.this.receive(topic, frame);
        }

        @Override
        public void drop(Topic topic, String reason) {
            GroupService.this.drop(reason);
        }

        @Override
        public void link(boolean up) {
            if (started) {
                host.link(up);
            }
        }

        @Override
        public void departed(String server) {
            versions.departed(server);
            if (started) {
                host.departed(server);
            }
        }
    }

    /**
     * A frame from a topic: checked, opened, and handed to the member.
     *
     * @return whether a member signed it for this server (what a direct link must show to be kept)
     */
    boolean receive(Topic topic, byte[] sealed) {
        Frame f;
        try {
            f = admission.admit(topic, sealed);
        } catch (UnspokenVersion e) {
            refusals.refused(e);
            metrics.refusedVersion(refusals.sender(e), e.version());
            drop(e.getMessage());
            return false;
        } catch (Malformed e) {
            drop(e.getMessage());
            return false;
        }
        versions.heard(f, System.currentTimeMillis());
        try {
            if (topic == Topic.CONTROL) {
                receiveControl(f, controlCodec.decode(f.from(), f.payload()));
            } else if (started) {
                StreamMessage m = streamCodec.decode(f.from(), f.payload());
                if (topic == Topic.DIRECT && !(m instanceof StreamMessage.Ack)) {
                    drop("a " + m.getClass().getSimpleName() + " sent direct: only acknowledgements are");
                    return true;
                }
                host.receive(m);
            }
        } catch (Malformed e) {
            drop(e.getMessage());
        }
        return true;
    }

    private void receiveControl(Frame f, Message m) {
        if (f.from().equals(settings.serverId())) {
            // our own broadcast came back: the broker works and we are subscribed
            if (m instanceof Message.Probe p) {
                broker.loopback(System.currentTimeMillis(), p.sentAt());
                startProtocol();
            }
            return;
        }
        if (started) {
            host.receive(m);
        }
    }

    private void drop(String reason) {
        dropped.incrementAndGet();
        metrics.droppedByHost();
        LOG.fine(() -> "dropped frame: " + reason);
    }

    private synchronized void startProtocol() {
        if (started) {
            return;
        }
        started = true;
        LOG.info(() -> "Regent " + settings.serverId() + ": subscribed to " + settings.controlTopic() + ", starting");
        host.start();
        container.started();
        if (httpWarmUp != null) {
            httpWarmUp.start();
        }
    }

    // ---- writes and reads ---------------------------------------------------------------

    /**
     * A client's write: answered when committed, or at once when this server takes no writes;
     * with {@code expected}, only if this master's epoch is that one.
     */
    public CompletionStage<WriteOutcome> propose(String command, Epoch expected) {
        long start = System.nanoTime();
        return host.propose(command, expected).whenComplete((outcome, failure) -> metrics.written(
                outcome instanceof WriteOutcome.Committed, System.nanoTime() - start));
    }

    /** This server's mastership as the application sees it ({@code io.regent.api}). */
    public MastershipState mastership() {
        return roleEvents.state();
    }

    /**
     * Planned handover to {@code target}, or to the best-ranked live backup when null.
     *
     * @return the server asked to take over; empty if this server is not master or none can
     */
    public Optional<String> handOver(String target) {
        return host.handOver(target);
    }

    /**
     * A key in the committed state, and the commit point the answer reflects.
     *
     * @throws CommittedView.NotReadable while this server does not know what is committed
     */
    public CommittedView.Read<Optional<KeyValueStore.Item>> get(String key) {
        return read(state -> KeyValueStore.get(state, key));
    }

    /**
     * A look at the committed state, and the commit point it reflects.
     *
     * @throws CommittedView.NotReadable while this server does not know what is committed
     */
    public <T> CommittedView.Read<T> read(Function<StateSpace, T> query) {
        return host.committedView().read(query);
    }

    /** The application's replicated state machines on this server. */
    public ApplicationMachines machines() {
        return machines;
    }

    /**
     * A page of keys in the committed state, and the commit point it reflects.
     *
     * @throws CommittedView.NotReadable while this server does not know what is committed
     */
    public CommittedView.Read<List<KeyValueStore.Item>> list(String prefix, String after, int limit) {
        return read(state -> KeyValueStore.list(state, prefix, after, limit));
    }

    /** The commit point a read reflects at least, for the {@code Regent-Applied} header. */
    public Position readPosition() {
        return host.committedView().committed();
    }

    /** A linearizable read: completes when the committed state may answer it (see {@link MemberHost#linearizableRead}). */
    public CompletionStage<ReadOutcome> linearizableRead() {
        return host.linearizableRead();
    }

    /** Streams of changes and of role changes (see {@link Watches}). */
    public Watches watches() {
        return watches;
    }

    /** Why this server does not take writes now (null when it does). */
    public NotOpenReason whyNotOpen() {
        return host.snapshot().whyNotOpen();
    }

    /** Where this server's copy stands, for the {@code Regent-Applied} header. */
    public Position applied() {
        return host.snapshot().applied();
    }

    public RegentSettings settings() {
        return settings;
    }

    // ---- health and status --------------------------------------------------------------

    /** Ready for writes: the master open for writes (synced, hearing a majority) and reaching the broker. */
    public boolean isReady() {
        return host.snapshot().open() && broker.reachable(System.currentTimeMillis());
    }

    /** A member that serves reads: joined, and its copy caught up (or the open master's). */
    public boolean caughtUp() {
        return health().caughtUp();
    }

    /** Just what a health check needs, cheaply: load balancers ask many times a second. */
    public HealthView health() {
        MemberHost.Snapshot s = host.snapshot();
        boolean brokerUp = broker.reachable(System.currentTimeMillis());
        String why = !s.open() ? s.whyNotOpen().text() : !brokerUp ? "this server cannot reach the broker" : null;
        boolean caughtUp = s.open() || (s.role() == Role.BACKUP && s.current());
        return new HealthView(settings.serverId(), s.role(), s.epoch().toString(), s.master(), s.running(),
                s.running() && s.role() != Role.JOINING, why == null, caughtUp, brokerUp, why,
                settings.readiness() == RegentSettings.Readiness.MEMBER);
    }

    /** The master this server follows and the epoch, cheaply, for response headers. */
    public GroupStatus.Master masterView() {
        MemberHost.Snapshot s = host.snapshot();
        // the master owns the epoch it follows, which carries its index (measured or configured)
        return new GroupStatus.Master(s.master(), s.master() == null ? null : s.epoch().index(), s.masterAddress());
    }

    /** Completes once this server's committed state holds {@code seq}: a read that must see a write it was told of. */
    public java.util.concurrent.CompletableFuture<Long> committedAtLeast(long seq) {
        return host.committedAtLeast(seq);
    }

    public Epoch epoch() {
        return host.snapshot().epoch();
    }

    public GroupStatus status() {
        HealthView health = health();
        return host.inspect(m -> {
            long now = System.currentTimeMillis();
            Membership members = m.node().members();
            List<GroupStatus.Member> list = new ArrayList<>();
            GroupStatus.Member self = null;
            for (String id : members.ids()) {
                boolean isSelf = id.equals(settings.serverId());
                Role announced = isSelf ? m.node().role() : members.announcedRole(id);
                long heard = members.lastHeard(id);
                long capacity = isSelf ? settings.protocol().capacity() : members.capacity(id);
                GroupStatus.Member member = new GroupStatus.Member(id, members.indexOf(id),
                        capacity == 0 ? null : capacity, announced, isSelf ? settings.url() : members.address(id),
                        isSelf ? Long.valueOf(0) : heard < 0 ? null : now - heard);
                list.add(member);
                self = isSelf ? member : self;
            }
            return new GroupStatus(settings.group(), Release.current(), self, m.node().role(), m.node().epoch().toString(),
                    m.node().epoch().term(), masterView(), m.node().running(), health.joined(), health.ready(),
                    health.whyNotReady(), new GroupStatus.Broker(fabric.currentBroker(), broker.reachable(now),
                    broker.lastRoundTrip(), broker.lastError(), fabric.failovers()), list,
                    delayMatrix(members, m.node().delays()), events.recent(),
                    new GroupStatus.RoundTrips(inquiryRoundTrips.summary(), probeRoundTrips.summary()),
                    outbound.hops(admission::transit), outbound.counters(dropped.get() + m.node().dropped()),
                    versions.status());
        });
    }

    /** The configuration this server's history holds, and on the master each member's lag (DESIGN.md §9). */
    public MembersStatus membersStatus() {
        return host.inspect(m -> {
            long now = System.currentTimeMillis();
            Replica r = m.replica();
            Configuration c = r.configuration();
            Membership heard = m.node().members();
            long tail = r.applied().seq();
            List<MembersStatus.Member> list = new ArrayList<>();
            for (Seat seat : c.seats()) {
                boolean isSelf = seat.id().equals(settings.serverId());
                long acked = isSelf ? tail : r.ackedBy(seat.id());
                long lastHeard = isSelf ? now : heard.lastHeard(seat.id());
                list.add(new MembersStatus.Member(seat.id(), seat.number(), seat.url().isEmpty() ? null : seat.url(),
                        seat.voter(), r.open() && acked >= 0 ? Math.max(0, tail - acked) : null,
                        lastHeard < 0 ? null : now - lastHeard));
            }
            return new MembersStatus(settings.serverId(), c.version(), c.voters(), c.learners(),
                    List.copyOf(c.retiredIds()), m.node().master(), r.readyForChange(), list);
        });
    }

    public ReplicationStatus replicationStatus() {
        return host.inspect(m -> {
            Replica r = m.replica();
            Map<String, Long> acked = new LinkedHashMap<>();
            for (String id : settings.protocol().members().keySet()) {
                if (!id.equals(settings.serverId()) && r.ackedBy(id) >= 0) {
                    acked.put(id, r.ackedBy(id));
                }
            }
            return new ReplicationStatus(settings.serverId(), r.mode(), r.open(), r.current(), r.applied().toString(),
                    r.applied().seq(), r.durable().toString(), r.fence().toString(), storage.digest(),
                    storage.space().count(), storage.space().bytes(), r.waiting(), r.waitingBytes(), acked,
                    host.commitLatency(), r.awaitedPositions(), r.snapshotsInstalled(), r.snapshotsServing(),
                    r.bytesFetched(), new ReplicationStatus.Storage(storage.dir().toString(),
                    settings.storage().fsync() ? "fsync" : "none", storage.retainedEntries(), storage.retainedBytes(),
                    storage.incarnation(), host.syncTime()), events.recent());
        });
    }

    // ---- ports of the host --------------------------------------------------------------

    private final class Disk implements MemberHost.Disk {
        @Override
        public void persistEpoch(Epoch epoch) {
            storage.persistEpoch(epoch);
        }

        @Override
        public void sync() {
            storage.sync();
        }
    }

    private final class Observer implements MemberHost.Observer {
        @Override
        public void event(Event event) {
            metrics.record(event);
            if (event instanceof Event.RoundTrip r) {
                (r.probe() ? probeRoundTrips : inquiryRoundTrips).add(r.millis());
                return;
            }
            events.record(event);
            if (event instanceof Event.RoleChanged || event instanceof Event.MasterSuspected
                    || event instanceof Event.Declared || event instanceof Event.Revoked
                    || event instanceof Event.HandedOver || event instanceof Event.QuorumLost
                    || event instanceof Event.Stalled) {
                LOG.info(() -> "Regent " + settings.serverId() + ": " + EventLog.describe(event));
            }
        }

        @Override
        public void notice(String what) {
            events.record(System.currentTimeMillis(), "Replication", what);
            LOG.info(() -> "Regent " + settings.serverId() + ": " + what);
        }

        @Override
        public void changed(MemberHost.Snapshot snapshot) {
            watches.changed(snapshot);
            roleEvents.changed();
        }
    }

    // ---- helpers ------------------------------------------------------------------------

    private DirectListener directListener(Map<String, InetSocketAddress> ackAddresses, LinkSockets sockets,
            ThreadFactory threads) {
        InetSocketAddress own = ackAddresses.get(settings.serverId());
        java.util.Set<java.net.InetAddress> members = new java.util.HashSet<>();
        ackAddresses.values().stream().map(InetSocketAddress::getAddress).filter(java.util.Objects::nonNull)
                .forEach(members::add);
        try {
            // two per member: a member's old link may linger while its new one is taken
            // in plaintext a follower may send nothing for long after it connects: no deadline there
            return new DirectListener(own, sockets, new DirectListener.Limits(members, DIRECT_FRAME_BYTES,
                    2 * settings.protocol().members().size(), sockets.tls() ? DirectListener.FIRST_FRAME_MILLIS : 0),
                    frame -> receive(Topic.DIRECT, frame), this::drop, threads);
        } catch (java.io.IOException e) {
            throw new RegentSettings.BadSettingException(RegentSettings.ACK_ADDRESSES,
                    "cannot listen on " + own + ": " + e.getMessage());
        }
    }

    private RoleEndpoint roleEndpoint(RegentSettings.RolePort where) {
        if (where.port() == 0) {
            return null;
        }
        try {
            return new RoleEndpoint(where.host(), where.port(), where.sources(), this::isReady, this::caughtUp,
                    () -> health().whyNotReady() == null ? "not the master" : health().whyNotReady());
        } catch (java.io.IOException e) {
            throw new RegentSettings.BadSettingException(RegentSettings.ROLE_PORT,
                    "cannot listen on " + where.host() + ":" + where.port() + ": " + e.getMessage());
        }
    }

    static List<BrokerEndpoint> brokers(RegentSettings.Fabric f) {
        return f.brokers().stream().map(b -> new BrokerEndpoint(b, f.tls())).toList();
    }

    private static Map<String, Map<String, Long>> delayMatrix(Membership members, DelayMatrix delays) {
        Map<String, Map<String, Long>> matrix = new LinkedHashMap<>();
        for (String k : members.ids()) {
            Map<String, Long> row = new LinkedHashMap<>();
            for (String j : members.ids()) {
                row.put(j, delays.oneWay(k, j));
            }
            matrix.put(k, row);
        }
        return matrix;
    }
}

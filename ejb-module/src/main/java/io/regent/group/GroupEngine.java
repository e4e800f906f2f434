package io.regent.group;

import io.regent.host.EventLog;
import io.regent.host.GroupStatus;
import io.regent.host.HealthView;
import io.regent.host.LatencyStats;
import io.regent.host.MemberHost;
import io.regent.host.RegentSettings;
import io.regent.host.ReplicationStatus;
import io.regent.host.WriteOutcome;
import io.regent.kv.KeyValueStore;
import io.regent.member.Member;
import io.regent.protocol.DelayMatrix;
import io.regent.protocol.Effect;
import io.regent.protocol.Epoch;
import io.regent.protocol.Event;
import io.regent.protocol.Membership;
import io.regent.protocol.Message;
import io.regent.protocol.Role;
import io.regent.protocol.TimerKind;
import io.regent.replication.Entry;
import io.regent.replication.Position;
import io.regent.replication.Replica;
import io.regent.replication.ReplicaEffect;
import io.regent.replication.StreamBatching;
import io.regent.replication.StreamMessage;
import io.regent.replication.Utf8;
import io.regent.storage.DiskStorage;
import io.regent.wire.ControlCodec;
import io.regent.wire.Frame;
import io.regent.wire.FrameCodec;
import io.regent.wire.Malformed;
import io.regent.wire.ReplayGuard;
import io.regent.wire.StreamCodec;
import io.regent.wire.Topic;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.NoSuchObjectLocalException;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.metrics.MetricRegistry;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The container's side of this server: a thin shell that wires the plain-Java {@link MemberHost}
 * to Liberty. EJB TimerService timers (non-persistent) carry out the protocol's timer requests and
 * the replica's tick, the two topics carry its messages in signed frames, RocksDB keeps its state,
 * MicroProfile Metrics and the server's log see what happens. The host has its own lock, so the
 * bean lets calls in concurrently.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class GroupEngine {

    private static final Logger LOG = Logger.getLogger(GroupEngine.class.getName());
    private static final String WARM_UP = "WARM_UP";
    private static final String TICK = "TICK";
    private static final long WARM_UP_PERIOD = 200;
    private static final long TICK_PERIOD = 100;

    @Resource
    private TimerService timerService;

    @Resource
    private ManagedThreadFactory threads;

    @Resource
    private SessionContext context;

    @Inject
    private MetricRegistry registry;

    private RegentSettings settings;
    private DiskStorage storage;
    private MemberHost host;
    private FrameCodec frames;
    private final ControlCodec controlCodec = new ControlCodec();
    private final StreamCodec streamCodec = new StreamCodec();
    private final Map<Topic, ReplayGuard> replays = new EnumMap<>(Topic.class);
    private TopicPublisher<Effect.Send> control;
    private TopicPublisher<ReplicaEffect.Send> stream;
    private BrokerLink broker;
    private Fabric fabric;
    private final EventLog events = new EventLog();
    private final LatencyStats inquiryRoundTrips = new LatencyStats(1_024);
    private final LatencyStats probeRoundTrips = new LatencyStats(1_024);
    /** Sender's send to this server's receipt of a frame, per topic, ms (clocks of one host agree). */
    private final Map<Topic, LatencyStats> transit = new EnumMap<>(Map.of(Topic.CONTROL, new LatencyStats(1_024),
            Topic.STREAM, new LatencyStats(1_024)));
    private final Map<TimerKind, Timer> timers = new EnumMap<>(TimerKind.class);
    private final AtomicLong dropped = new AtomicLong();
    private GroupMetrics metrics;
    private volatile boolean stopping;
    private volatile boolean left;
    private volatile boolean started;
    private Thread leaveOnExit;

    @PostConstruct
    void start() {
        settings = RegentSettings.from(ConfigProvider.getConfig());
        storage = DiskStorage.open(settings.storage().dir(), settings.storage().retention());
        GroupEngine self = context.getBusinessObject(GroupEngine.class);
        Epoch restored = storage.epoch();
        Member member = new Member(settings.protocol(), settings.replication(), restored, storage,
                new KeyValueStore(settings.limits().storeBytes(), settings.limits().storeKeys()));
        frames = new FrameCodec(settings.signingKey());
        replays.put(Topic.CONTROL, new ReplayGuard());
        replays.put(Topic.STREAM, new ReplayGuard());
        broker = new BrokerLink(3 * settings.protocol().probeInterval());
        fabric = new Fabric(brokers(settings.fabric()), settings.fabric().user(), settings.fabric().password(),
                settings.serverId(), Map.of(Topic.CONTROL, settings.controlTopic(), Topic.STREAM, settings.requestsTopic()),
                settings.limits().frameBytes(), new Fabric.Inbound() {
                    @Override
                    public void receive(Topic topic, byte[] frame) {
                        self.receive(topic, frame);
                    }

                    @Override
                    public void drop(Topic topic, String reason) {
                        self.drop(topic, reason);
                    }

                    @Override
                    public void link(boolean up) {
                        self.link(up);
                    }
                }, broker, threads);
        TopicPublisher.Sender sender = new TopicPublisher.Sender(settings.group(), settings.serverId(),
                storage.incarnation(), frames);
        long queue = settings.limits().queueBytes();
        control = new TopicPublisher<>(Topic.CONTROL, fabric, queue,
                new TopicPublisher.Format<>(Effect.Send::to, s -> 64, s -> controlCodec.encode(s.message()), l -> l),
                sender, threads);
        StreamBatching batching = new StreamBatching(settings.limits().messageBytes());
        stream = new TopicPublisher<>(Topic.STREAM, fabric, queue,
                new TopicPublisher.Format<>(ReplicaEffect.Send::to, s -> weight(s.message()),
                        s -> streamCodec.encode(s.message()), batching::coalesce),
                sender, threads);
        host = new MemberHost(member, System::currentTimeMillis, new EjbTimers(), new Publishers(), new Disk(),
                new Observer(), settings.storage().fsync(), threads, self::durable);
        metrics = new GroupMetrics(registry, host::snapshot, this::isReady);
        LOG.info(() -> "Regent server " + settings.serverId() + " (index " + settings.index() + ") joining group "
                + settings.group() + ": state " + storage.applied() + " and epoch " + restored + " recovered from "
                + storage.dir() + " (run " + storage.incarnation() + ")");
        // the protocol starts once this server hears itself through the topic, i.e. once its
        // subscription is live: what it would ask the group before then would go unanswered
        timerService.createIntervalTimer(0, WARM_UP_PERIOD, new TimerConfig(WARM_UP, false));
        // On SIGTERM Liberty uninstalls the resource adapter before it stops this module, so
        // @PreDestroy is too late to tell the group; a shutdown hook runs as the stop begins.
        leaveOnExit = new Thread(self::leave, "regent-leave");
        Runtime.getRuntime().addShutdownHook(leaveOnExit);
    }

    /** Leaving the group on purpose: a master hands over first and waits for it to go out. */
    public void leave() {
        if (!started || left) {
            return;
        }
        left = true;
        host.handOver(null).ifPresent(target -> LOG.info(() -> "Handing mastership to " + target + " on stop"));
        control.flush(1_000);
    }

    @PreDestroy
    void shutdown() {
        try {
            Runtime.getRuntime().removeShutdownHook(leaveOnExit);
        } catch (IllegalStateException e) {
            // the JVM is exiting: the hook has run
        }
        stopping = true; // the container refuses new timers from here on
        leave();
        timerService.getTimers().forEach(GroupEngine::cancelQuietly);
        host.stop();
        timers.values().forEach(GroupEngine::cancelQuietly);
        timers.clear();
        control.close();
        stream.close();
        fabric.close();
        storage.close();
    }

    // ---- inputs -------------------------------------------------------------------------

    /** A frame from a topic: checked, opened, and handed to the member. */
    public void receive(Topic topic, byte[] sealed) {
        Frame f;
        try {
            f = frames.open(sealed);
        } catch (Malformed e) {
            drop(topic, e.getMessage());
            return;
        }
        transit.get(topic).add(System.currentTimeMillis() - f.sentAt());
        String problem = problem(topic, f);
        if (problem != null) {
            drop(topic, problem);
            return;
        }
        try {
            if (topic == Topic.CONTROL) {
                receiveControl(f, controlCodec.decode(f.from(), f.payload()));
            } else if (started) {
                host.receive(streamCodec.decode(f.from(), f.payload()));
            }
        } catch (Malformed e) {
            drop(topic, e.getMessage());
        }
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

    /** Why a frame that is correctly signed must still be dropped, or null. */
    private String problem(Topic topic, Frame f) {
        if (f.topic() != topic) {
            return "a " + f.topic() + " frame on the " + topic + " topic";
        }
        if (!settings.group().equals(f.group())) {
            return "a frame of group " + f.group();
        }
        if (!settings.protocol().members().containsKey(f.from())) {
            return "a frame from " + f.from() + ", not a member";
        }
        if (!f.broadcast() && !f.to().equals(settings.serverId())) {
            return "a frame for " + f.to();
        }
        synchronized (replays.get(topic)) {
            if (!replays.get(topic).accept(f)) {
                return "a replayed or duplicated frame from " + f.from();
            }
        }
        return null;
    }

    /** Something arrived that is not a group message of this group at all. */
    public void drop(Topic topic, String reason) {
        dropped.incrementAndGet();
        metrics.droppedByHost();
        LOG.fine(() -> "dropped " + topic + " frame: " + reason);
    }

    /** The fabric lost its broker, or connected to one again. */
    public void link(boolean up) {
        if (started) {
            host.link(up);
        }
    }

    /** Called back by the group commit once an fsync returned. */
    public void durable(Position p) {
        host.durable(p);
    }

    private void startProtocol() {
        if (started) {
            return;
        }
        started = true;
        for (Timer t : timerService.getTimers()) {
            if (WARM_UP.equals(t.getInfo())) {
                cancelQuietly(t);
            }
        }
        LOG.info(() -> "Regent " + settings.serverId() + ": subscribed to " + settings.controlTopic() + ", starting");
        host.start();
        timerService.createIntervalTimer(TICK_PERIOD, TICK_PERIOD, new TimerConfig(TICK, false));
    }

    @Timeout
    void onTimer(Timer timer) {
        Object info = timer.getInfo();
        if (WARM_UP.equals(info)) {
            if (!started) {
                control.publish(new Effect.Send(null, new Message.Probe(settings.serverId(), Epoch.NONE,
                        System.currentTimeMillis())));
            }
            return;
        }
        if (TICK.equals(info)) {
            host.tick();
            return;
        }
        String[] kindAndToken = String.valueOf(info).split(":");
        host.fire(TimerKind.valueOf(kindAndToken[0]), Long.parseLong(kindAndToken[1]));
    }

    /**
     * Planned handover to {@code target}, or to the best-ranked live backup when null.
     *
     * @return the server asked to take over; empty if this server is not master or none can
     */
    public Optional<String> handOver(String target) {
        return host.handOver(target);
    }

    /** A client's write: answered when committed, or at once when this server takes no writes. */
    public CompletionStage<WriteOutcome> propose(String command) {
        return host.propose(command).whenComplete((outcome, failure) ->
                metrics.written(outcome instanceof WriteOutcome.Committed));
    }

    // ---- reads --------------------------------------------------------------------------

    public Optional<KeyValueStore.Item> get(String key) {
        return KeyValueStore.get(storage.space(), key);
    }

    public List<KeyValueStore.Item> list(String prefix, String after, int limit) {
        return KeyValueStore.list(storage.space(), prefix, after, limit);
    }

    /** Where this server's copy stands, for the {@code Regent-Applied} header. */
    public Position applied() {
        return host.snapshot().applied();
    }

    public RegentSettings settings() {
        return settings;
    }

    /** Ready for writes: the master open for writes (synced, hearing a majority) and reaching the broker. */
    public boolean isReady() {
        return host.snapshot().open() && broker.reachable(System.currentTimeMillis());
    }

    /** A member that serves reads: joined, and its copy caught up (or the open master's). */
    public boolean caughtUp() {
        MemberHost.Snapshot s = host.snapshot();
        return s.open() || (s.role() == Role.BACKUP && s.current());
    }

    /** Just what a health check needs, cheaply: load balancers ask many times a second. */
    public HealthView health() {
        MemberHost.Snapshot s = host.snapshot();
        boolean brokerUp = broker.reachable(System.currentTimeMillis());
        String why = !s.open() ? s.whyNotOpen().text() : !brokerUp ? "this server cannot reach the broker" : null;
        return new HealthView(settings.serverId(), s.role().name(), s.epoch().toString(), s.master(), s.running(),
                s.running() && s.role() != Role.JOINING, why == null, brokerUp, why);
    }

    /** The master this server follows, cheaply, for response headers. */
    public GroupStatus.Master masterView() {
        MemberHost.Snapshot s = host.snapshot();
        return new GroupStatus.Master(s.master(), s.master() == null ? null : settings.protocol().members().get(s.master()),
                s.masterAddress());
    }

    public String epoch() {
        return host.snapshot().epoch().toString();
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
                GroupStatus.Member member = new GroupStatus.Member(id, members.indexOf(id),
                        announced == null ? null : announced.name(), isSelf ? settings.url() : members.address(id),
                        isSelf ? Long.valueOf(0) : heard < 0 ? null : now - heard);
                list.add(member);
                self = isSelf ? member : self;
            }
            return new GroupStatus(settings.group(), self, m.node().role().name(), m.node().epoch().toString(),
                    m.node().epoch().term(), masterView(), m.node().running(), health.joined(), health.ready(),
                    health.whyNotReady(), new GroupStatus.Broker(fabric.currentBroker(), broker.reachable(now),
                    broker.lastRoundTrip(), broker.lastError(), fabric.failovers()), list, delayMatrix(members, m.node().delays()), events.recent(),
                    new GroupStatus.RoundTrips(inquiryRoundTrips.summary(), probeRoundTrips.summary()),
                    new GroupStatus.Hops(control.queueWait(), control.sendTime(), transit.get(Topic.CONTROL).summary(),
                            stream.queueWait(), stream.sendTime(), transit.get(Topic.STREAM).summary()),
                    new GroupStatus.Counters(control.sent() + stream.sent(), control.failures() + stream.failures(),
                            dropped.get() + m.node().dropped(), control.overflowed() + stream.overflowed(),
                            control.queuedBytes() + stream.queuedBytes()));
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
                    storage.incarnation()), events.recent());
        });
    }

    // ---- ports of the host --------------------------------------------------------------

    /** The protocol's timers as non-persistent EJB timers, named by kind and token. */
    private final class EjbTimers implements MemberHost.Timers {
        @Override
        public void set(Effect.SetTimer t) {
            cancelQuietly(timers.remove(t.kind()));
            if (stopping) {
                return; // the container refuses new timers while the application stops
            }
            TimerConfig config = new TimerConfig(t.kind().name() + ":" + t.token(), false);
            try {
                Timer timer = t.period() > 0
                        ? timerService.createIntervalTimer(t.delay(), t.period(), config)
                        : timerService.createSingleActionTimer(t.delay(), config);
                timers.put(t.kind(), timer);
            } catch (IllegalStateException | jakarta.ejb.EJBException e) {
                LOG.fine(() -> "timer " + t.kind() + " not set: the application is stopping (" + e + ")");
            }
        }

        @Override
        public void cancel(TimerKind kind) {
            cancelQuietly(timers.remove(kind));
        }
    }

    private final class Publishers implements MemberHost.Outbox {
        @Override
        public void control(Effect.Send send) {
            control.publish(send);
        }

        @Override
        public void stream(ReplicaEffect.Send send) {
            stream.publish(send);
        }
    }

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
            if (event instanceof Event.RoleChanged || event instanceof Event.Declared || event instanceof Event.Revoked
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
    }

    // ---- helpers ------------------------------------------------------------------------

    /**
     * The client's settings for each broker: a failed connection is given up at once (this server
     * moves to the next broker rather than waiting for the dead one), no call waits long, and a
     * broker that went silent without closing the connection (its host cut off) is given up after
     * a missed ping (500 ms).
     */
    private static List<Fabric.Broker> brokers(RegentSettings.Fabric f) {
        List<Fabric.Broker> brokers = new ArrayList<>();
        for (String b : f.brokers()) {
            brokers.add(new Fabric.Broker(b, "tcp://" + b + "?reconnectAttempts=0&initialConnectAttempts=1"
                    + "&callTimeout=2000&callFailoverTimeout=2000&connectionTTL=1500&clientFailureCheckPeriod=500"
                    + "&retryInterval=100&connectTimeoutMillis=1000"));
        }
        return brokers;
    }

    /** What a stream message weighs in its send queue: the bytes it carries. */
    private static long weight(StreamMessage m) {
        long bytes = 64;
        if (m instanceof StreamMessage.Entries e) {
            for (Entry x : e.entries()) {
                bytes += Utf8.length(x.command()) + 32;
            }
        } else if (m instanceof StreamMessage.SnapshotChunk c) {
            for (var p : c.chunk().pairs()) {
                bytes += p.bytes() + 8;
            }
        }
        return bytes;
    }

    private static void cancelQuietly(Timer timer) {
        if (timer == null) {
            return;
        }
        try {
            timer.cancel();
        } catch (NoSuchObjectLocalException | IllegalStateException e) {
            // already fired or cancelled: a late firing is ignored by its token anyway
        }
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

package io.regent.group;

import io.regent.protocol.DelayMatrix;
import io.regent.protocol.Effect;
import io.regent.protocol.Epoch;
import io.regent.protocol.Event;
import io.regent.protocol.Membership;
import io.regent.protocol.Message;
import io.regent.protocol.Node;
import io.regent.protocol.Role;
import io.regent.protocol.TimerKind;
import io.regent.replication.GroupView;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.NoSuchObjectLocalException;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricRegistry;
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
import jakarta.jms.ConnectionFactory;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Hosts this server's protocol {@link Node} and adapts it to the container: EJB TimerService
 * timers (non-persistent) for its timer requests, the control topic for its messages, and the
 * event log for its notices. Every input is serialised by the singleton's write lock.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.CONTAINER)
@Lock(LockType.WRITE)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class GroupEngine {

    private static final Logger LOG = Logger.getLogger(GroupEngine.class.getName());
    private static final String WARM_UP = "WARM_UP";
    private static final long WARM_UP_PERIOD = 200;

    @Resource
    private TimerService timerService;

    @Resource(lookup = "jms/regentConnectionFactory")
    private ConnectionFactory connectionFactory;

    @Resource
    private ManagedThreadFactory threads;

    @Resource
    private SessionContext context;

    @Inject
    private MetricRegistry registry;

    @EJB
    private ReplicationEngine replication;

    private RegentSettings settings;
    private Node node;
    private MessageCodec codec;
    private MessageSigner signer;
    private Inbox<Message> inbox;
    private TopicPublisher<Effect.Send> publisher;
    private BrokerLink broker;
    private final EventLog events = new EventLog();
    private final LatencyStats inquiryRoundTrips = new LatencyStats(1_024);
    private final LatencyStats probeRoundTrips = new LatencyStats(1_024);
    private final Map<TimerKind, Timer> timers = new EnumMap<>(TimerKind.class);
    private final AtomicLong dropped = new AtomicLong();
    private GroupMetrics metrics;
    private boolean stopping;
    private volatile boolean streamOpen;
    private Thread leaveOnExit;

    @PostConstruct
    void start() {
        settings = RegentSettings.from(ConfigProvider.getConfig());
        node = new Node(settings.protocol());
        // a joining server becomes electable only once its replica caught up (ReplicationEngine)
        node.requireCurrentState();
        codec = new MessageCodec(settings.group());
        signer = new MessageSigner(settings.signingKey());
        broker = new BrokerLink(3 * settings.protocol().probeInterval());
        inbox = new Inbox<>(signer, codec::decode, this::drop);
        publisher = new TopicPublisher<>(settings.serverId(), connectionFactory, settings.controlTopic(), 1_000,
                TopicPublisher.Format.of(Effect.Send::to, s -> codec.encode(s.message())), signer, broker, threads);
        LOG.info(() -> "Regent server " + settings.serverId() + " (index " + settings.index() + ") joining group "
                + settings.group() + " on topic " + settings.controlTopic());
        // the protocol starts once this server hears itself through the topic, i.e. once its
        // subscription is live: what it would ask the group before then would go unanswered
        timerService.createIntervalTimer(0, WARM_UP_PERIOD, new TimerConfig(WARM_UP, false));
        // On SIGTERM Liberty uninstalls the resource adapter before it stops this module, so
        // @PreDestroy is too late to tell the group; a shutdown hook runs as the stop begins.
        GroupEngine self = context.getBusinessObject(GroupEngine.class);
        metrics = new GroupMetrics(registry, self::health);
        leaveOnExit = new Thread(self::leave, "regent-leave");
        Runtime.getRuntime().addShutdownHook(leaveOnExit);
    }

    /** Leaving the group on purpose: a master hands over first and waits for it to go out. */
    public void leave() {
        if (!node.running()) {
            return;
        }
        node.handOver(now(), null).ifPresent(target -> LOG.info(() -> "Handing mastership to " + target + " on stop"));
        apply(node.drain());
        publisher.flush(1_000);
    }

    /** A graceful stop of the master hands mastership over on the way out. */
    @PreDestroy
    void shutdown() {
        try {
            Runtime.getRuntime().removeShutdownHook(leaveOnExit);
        } catch (IllegalStateException e) {
            // the JVM is exiting: the hook has run
        }
        stopping = true;
        leave();
        timerService.getTimers().forEach(GroupEngine::cancelQuietly);
        node.stop(now());
        timers.values().forEach(GroupEngine::cancelQuietly);
        timers.clear();
        publisher.close();
    }

    /** A control message from the topic, with its signature. */
    public void receive(String body, String signature) {
        Message m = inbox.open(body, signature);
        if (m == null) {
            return;
        }
        long now = now();
        if (m.from().equals(settings.serverId())) {
            // our own broadcast came back: the broker works and we are subscribed
            if (m instanceof Message.Probe p) {
                broker.loopback(now, p.sentAt());
                startProtocol(now);
            }
            return;
        }
        if (!node.running()) {
            return;
        }
        node.receive(now, m);
        apply(node.drain());
    }

    /** Something arrived that is not a group message at all. */
    public void drop(String reason) {
        dropped.incrementAndGet();
        metrics.droppedByHost();
        LOG.fine(() -> "dropped control message: " + reason);
    }

    private void startProtocol(long now) {
        if (node.running()) {
            return;
        }
        for (Timer t : timerService.getTimers()) {
            if (WARM_UP.equals(t.getInfo())) {
                cancelQuietly(t);
            }
        }
        LOG.info(() -> "Regent " + settings.serverId() + ": subscribed to " + settings.controlTopic() + ", starting");
        node.start(now);
        apply(node.drain());
    }

    @Timeout
    void onTimer(Timer timer) {
        if (WARM_UP.equals(timer.getInfo())) {
            if (!node.running()) {
                publisher.publish(new Effect.Send(null, new Message.Probe(settings.serverId(), Epoch.NONE, now())));
            }
            return;
        }
        String[] info = String.valueOf(timer.getInfo()).split(":");
        node.fire(now(), TimerKind.valueOf(info[0]), Long.parseLong(info[1]));
        apply(node.drain());
    }

    /**
     * Planned handover to {@code target}, or to the best-ranked live backup when null.
     *
     * @return the server asked to take over; empty if this server is not master or none can
     */
    public Optional<String> handOver(String target) {
        Optional<String> chosen = node.handOver(now(), target);
        apply(node.drain());
        return chosen;
    }

    /** The replica caught up with its master, or fell behind it (a diverged history). */
    public void stateCurrent(boolean current) {
        node.stateCurrent(now(), current);
        apply(node.drain());
    }

    /** Set by the {@link ReplicationEngine}: whether its replica sequences writes. */
    @Lock(LockType.READ)
    public void streamOpen(boolean open) {
        streamOpen = open;
    }

    /** The protocol's view as the replica needs it. */
    @Lock(LockType.READ)
    public GroupView view() {
        long now = now();
        return new GroupView(node.role(), node.epoch(), node.master(), node.liveFollowers(now), node.livePeers(now));
    }

    @Lock(LockType.READ)
    public BrokerLink brokerLink() {
        return broker;
    }

    @Lock(LockType.READ)
    public RegentSettings settings() {
        return settings;
    }

    @Lock(LockType.READ)
    public GroupStatus status() {
        long now = now();
        Membership members = node.members();
        List<GroupStatus.Member> list = new ArrayList<>();
        for (String id : members.ids()) {
            boolean self = id.equals(settings.serverId());
            Role announced = self ? node.role() : members.announcedRole(id);
            long heard = members.lastHeard(id);
            list.add(new GroupStatus.Member(id, members.indexOf(id), announced == null ? null : announced.name(),
                    self ? settings.url() : members.address(id), self ? Long.valueOf(0) : heard < 0 ? null : now - heard));
        }
        GroupStatus.Master master = masterView();
        return new GroupStatus(settings.group(), list.get(indexOfSelf(list)), node.role().name(),
                node.epoch().toString(), node.epoch().term(), master, node.running(), node.role() != Role.JOINING,
                isReady(now), new GroupStatus.Broker(broker.reachable(now), broker.lastRoundTrip(), broker.lastError()),
                list, delayMatrix(members, node.delays()), events.recent(),
                new GroupStatus.RoundTrips(inquiryRoundTrips.summary(), probeRoundTrips.summary()),
                new GroupStatus.Counters(publisher.sent(), dropped.get() + node.dropped(), publisher.overflowed()));
    }

    /** Just what a health check needs, cheaply: load balancers ask many times a second. */
    @Lock(LockType.READ)
    public HealthView health() {
        long now = now();
        return new HealthView(settings.serverId(), node.role().name(), node.epoch().toString(),
                node.master(), node.running(), node.role() != Role.JOINING, isReady(now), broker.reachable(now));
    }

    /** The master this server follows, cheaply, for response headers. */
    @Lock(LockType.READ)
    public GroupStatus.Master masterView() {
        String id = node.master();
        return new GroupStatus.Master(id, id == null ? null : node.members().indexOf(id), node.masterAddress());
    }

    @Lock(LockType.READ)
    public String epoch() {
        return node.epoch().toString();
    }

    /** Ready for writes: master, able to reach the broker, and synced (the replica is open). */
    @Lock(LockType.READ)
    public boolean isReady() {
        return isReady(now());
    }

    private boolean isReady(long now) {
        return node.running() && node.role() == Role.MASTER && broker.reachable(now) && streamOpen;
    }

    // ---- effects ------------------------------------------------------------------------

    private void apply(List<Effect> effects) {
        for (Effect e : effects) {
            if (e instanceof Effect.Send s) {
                publisher.publish(s);
            } else if (e instanceof Effect.SetTimer t) {
                schedule(t);
            } else if (e instanceof Effect.CancelTimer c) {
                cancelQuietly(timers.remove(c.kind()));
            } else if (e instanceof Effect.Notice n) {
                record(n.event());
            }
        }
    }

    private void schedule(Effect.SetTimer t) {
        cancelQuietly(timers.remove(t.kind()));
        if (stopping) {
            return; // the container refuses new timers while the application stops
        }
        TimerConfig config = new TimerConfig(t.kind().name() + ":" + t.token(), false);
        Timer timer = t.period() > 0
                ? timerService.createIntervalTimer(t.delay(), t.period(), config)
                : timerService.createSingleActionTimer(t.delay(), config);
        timers.put(t.kind(), timer);
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

    private void record(Event event) {
        metrics.record(event);
        if (event instanceof Event.RoundTrip r) {
            (r.probe() ? probeRoundTrips : inquiryRoundTrips).add(r.millis());
            return;
        }
        events.record(event);
        if (event instanceof Event.RoleChanged || event instanceof Event.Declared || event instanceof Event.Revoked
                || event instanceof Event.HandedOver) {
            LOG.info(() -> "Regent " + settings.serverId() + ": " + EventLog.describe(event));
            tellReplication();
        }
    }

    /** Asynchronous: the replication engine calls back into this bean under its own lock. */
    private void tellReplication() {
        try {
            replication.groupChanged();
        } catch (RuntimeException e) {
            // the application is stopping; the replica's next tick would have seen it anyway
            LOG.fine(() -> "replication not told of a group change: " + e);
        }
    }

    private int indexOfSelf(List<GroupStatus.Member> list) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).id().equals(settings.serverId())) {
                return i;
            }
        }
        throw new IllegalStateException("self missing from members");
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

    private static long now() {
        return System.currentTimeMillis();
    }
}

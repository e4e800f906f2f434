package io.regent.group;

import io.regent.kv.KeyValueStore;
import io.regent.replication.GroupView;
import io.regent.replication.Position;
import io.regent.replication.Proposal;
import io.regent.replication.Replica;
import io.regent.replication.ReplicaEffect;
import io.regent.replication.StreamBatching;
import io.regent.replication.StreamMessage;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.Asynchronous;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

/**
 * Hosts this server's {@link Replica} of the key-value store and adapts it to the container: the
 * requests topic for its stream, a TimerService tick, and futures for the clients waiting on
 * their writes. It has a lock of its own, so that applying writes or taking a snapshot never
 * delays the election protocol; it asks the {@link GroupEngine} for the group's view, and the
 * engine only ever calls it asynchronously, so the two locks cannot deadlock.
 */
@Singleton
@Startup
@DependsOn("GroupEngine")
@ConcurrencyManagement(ConcurrencyManagementType.CONTAINER)
@Lock(LockType.WRITE)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ReplicationEngine {

    private static final Logger LOG = Logger.getLogger(ReplicationEngine.class.getName());
    private static final long TICK = 100;

    @EJB
    private GroupEngine group;

    @Resource
    private TimerService timerService;

    @Resource(lookup = "jms/regentConnectionFactory")
    private ConnectionFactory connectionFactory;

    @Resource
    private ManagedThreadFactory threads;

    @Resource
    private ManagedExecutorService executor;

    @Inject
    private MetricRegistry registry;

    @Resource
    private SessionContext context;

    private RegentSettings settings;
    private KeyValueStore store;
    private Replica replica;
    private StreamCodec codec;
    private MessageSigner signer;
    private Inbox<StreamMessage> inbox;
    private TopicPublisher<ReplicaEffect.Send> publisher;
    private final EventLog events = new EventLog();
    private record Waiting(CompletableFuture<Void> client, long since) { }

    private final Map<Long, Waiting> waiting = new HashMap<>();
    private final LatencyStats commitLatency = new LatencyStats(4_096);
    private Counter committed;
    private Counter failed;
    private Counter dropped;
    private boolean open;

    @PostConstruct
    void start() {
        settings = group.settings();
        store = new KeyValueStore();
        replica = new Replica(settings.replication(), store);
        codec = new StreamCodec(settings.group());
        signer = new MessageSigner(settings.signingKey());
        StreamBatching batching = new StreamBatching(settings.replication().batchLimit());
        inbox = new Inbox<>(signer, codec::decode, this::drop);
        publisher = new TopicPublisher<>(settings.serverId(), connectionFactory, settings.requestsTopic(), 100_000,
                new TopicPublisher.Format<>(ReplicaEffect.Send::to, s -> codec.encode(s.message()), batching::coalesce),
                signer, group.brokerLink(), threads);
        committed = registry.counter(meta("regent.writes.committed", "writes answered 2xx (on the master)"));
        failed = registry.counter(meta("regent.writes.failed", "sequenced writes that were not confirmed"));
        dropped = registry.counter(meta("regent.stream.dropped", "forged or malformed stream messages dropped"));
        // gauges are read on the metrics thread: through the bean, under its read lock
        ReplicationEngine self = context.getBusinessObject(ReplicationEngine.class);
        registry.gauge(meta("regent.writes.applied", "sequence number of the last write applied here"),
                self, e -> e.applied().seq());
        registry.gauge(meta("regent.replication.lag", "on the master: writes the slowest live follower has not acknowledged"),
                self, ReplicationEngine::lag);
        timerService.createIntervalTimer(TICK, TICK, new TimerConfig("replication-tick", false));
    }

    @PreDestroy
    void stop() {
        publisher.close();
        failAll("this server is stopping");
    }

    // ---- writes and the stream ----------------------------------------------------------

    /** A client's write: sequenced here if this server is the master open for writes. */
    public Submission submit(String command) {
        Proposal p = replica.propose(now(), command);
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (p instanceof Proposal.Accepted a) {
            waiting.put(a.at().seq(), new Waiting(done, now()));
        }
        carryOut(replica.drain());
        return new Submission(p, done);
    }

    /** A message from the requests topic, with its signature. */
    public void receive(String body, String signature) {
        StreamMessage m = inbox.open(body, signature);
        if (m == null || m.from().equals(settings.serverId())) {
            return;
        }
        replica.receive(now(), m);
        carryOut(replica.drain());
    }

    public void drop(String reason) {
        dropped.inc();
        LOG.fine(() -> "dropped stream message: " + reason);
    }

    /** The group's view changed: called by the engine, asynchronously. */
    @Asynchronous
    public void groupChanged() {
        refresh();
    }

    @Timeout
    void onTick(Timer timer) {
        refresh();
        replica.tick(now());
        carryOut(replica.drain());
    }

    private void refresh() {
        GroupView view = group.view();
        replica.view(now(), view);
        carryOut(replica.drain());
    }

    // ---- reads --------------------------------------------------------------------------

    @Lock(LockType.READ)
    public Optional<KeyValueStore.Item> get(String key) {
        return store.get(key);
    }

    @Lock(LockType.READ)
    public List<KeyValueStore.Item> list(String prefix, String after, int limit) {
        return store.list(prefix, after, limit);
    }

    @Lock(LockType.READ)
    public Position applied() {
        return replica.applied();
    }

    @Lock(LockType.READ)
    public ReplicationStatus status() {
        Map<String, Long> acked = new LinkedHashMap<>();
        for (String id : settings.protocol().members().keySet()) {
            if (!id.equals(settings.serverId()) && replica.ackedBy(id) >= 0) {
                acked.put(id, replica.ackedBy(id));
            }
        }
        return new ReplicationStatus(settings.serverId(), replica.mode(), replica.open(), replica.current(),
                replica.applied().toString(), replica.applied().seq(), replica.fence().toString(), store.digest(),
                store.size(), replica.waiting(), acked, commitLatency.summary(), replica.awaitedPositions(), committed.getCount(), failed.getCount(),
                replica.snapshotsInstalled(), events.recent());
    }

    // ---- effects ------------------------------------------------------------------------

    private void carryOut(List<ReplicaEffect> effects) {
        carryOutEach(effects);
        if (open != replica.open()) {
            open = replica.open();
            group.streamOpen(open); // readiness follows at once, not at the next tick
        }
    }

    private void carryOutEach(List<ReplicaEffect> effects) {
        for (ReplicaEffect e : effects) {
            if (e instanceof ReplicaEffect.Send s) {
                publisher.publish(s);
            } else if (e instanceof ReplicaEffect.Committed c) {
                complete(c.seq(), null);
            } else if (e instanceof ReplicaEffect.Failed f) {
                complete(f.seq(), f.reason());
            } else if (e instanceof ReplicaEffect.Current c) {
                group.stateCurrent(c.current());
            } else if (e instanceof ReplicaEffect.Notice n) {
                events.record(now(), "Replication", n.what());
                LOG.info(() -> "Regent " + settings.serverId() + ": " + n.what());
            }
        }
    }

    /** Clients are answered on the executor: their responses are not written under this lock. */
    private void complete(long seq, String failure) {
        Waiting w = waiting.remove(seq);
        (failure == null ? committed : failed).inc();
        if (w != null) {
            CompletableFuture<Void> f = w.client();
            if (failure == null) {
                commitLatency.add(now() - w.since());
            }
            executor.execute(() -> {
                if (failure == null) {
                    f.complete(null);
                } else {
                    f.completeExceptionally(new WriteFailed(failure));
                }
            });
        }
    }

    private void failAll(String reason) {
        waiting.values().forEach(w -> w.client().completeExceptionally(new WriteFailed(reason)));
        waiting.clear();
    }

    @Lock(LockType.READ)
    public long lag() {
        if (!replica.open()) {
            return 0;
        }
        long slowest = replica.applied().seq();
        for (String id : group.view().liveFollowers()) {
            slowest = Math.min(slowest, Math.max(0, replica.ackedBy(id)));
        }
        return replica.applied().seq() - slowest;
    }

    private static Metadata meta(String name, String description) {
        return Metadata.builder().withName(name).withDescription(description).withUnit(MetricUnits.NONE).build();
    }

    private static long now() {
        return System.currentTimeMillis();
    }
}

package io.regent.group;

import io.regent.host.RegentSettings;
import io.regent.platform.ApplicationMachines;
import io.regent.protocol.Effect;
import io.regent.protocol.TimerKind;
import io.regent.storage.DiskStorage;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJBException;
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
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.metrics.MetricRegistry;

import java.util.EnumMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The container's side of this server, a thin shell: at start it reads the settings, opens the
 * storage and makes the {@link GroupService}; it carries out the protocol's timer requests and the
 * replica's tick as non-persistent EJB TimerService timers; at stop it hands mastership over and
 * closes what it opened. Timer requests may come from any thread (a message, a client's write, an
 * fsync returning), so they reach the TimerService through this bean's business methods.
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
    private static final long TICK_PERIOD = 250;

    @Resource
    private TimerService timerService;

    @Resource
    private SessionContext context;

    @Inject
    private MetricRegistry registry;

    /** Fires the role events (io.regent.api) to the application's observers, in every module. */
    @Inject
    private BeanManager beans;

    private GroupService service;
    private final Map<TimerKind, Timer> timers = new EnumMap<>(TimerKind.class);
    private volatile boolean stopping;
    private Thread leaveOnExit;

    @PostConstruct
    void start() {
        RegentSettings settings = MeasuredIndex.apply(RegentSettings.from(ConfigProvider.getConfig()));
        DiskStorage storage = DiskStorage.open(settings.storage().dir(), settings.storage().retention());
        GroupEngine self = context.getBusinessObject(GroupEngine.class);
        ServerThreads threads = new ServerThreads();
        service = new GroupService(settings, storage, ApplicationMachines.find(beans, threads), new GroupService.Container() {
            @Override
            public void set(Effect.SetTimer timer) {
                self.schedule(timer);
            }

            @Override
            public void cancel(TimerKind kind) {
                self.cancel(kind);
            }

            @Override
            public void started() {
                self.startTicking();
            }

            @Override
            public void fire(Object event) {
                beans.getEvent().fire(event);
            }
        }, registry, threads);
        // the protocol starts once this server hears itself through the topic, i.e. once its
        // subscription is live: what it would ask the group before then would go unanswered
        timerService.createIntervalTimer(0, WARM_UP_PERIOD, new TimerConfig(WARM_UP, false));
        // On SIGTERM Liberty stops the application's resources before @PreDestroy, which is then
        // too late to tell the group; a shutdown hook runs as the stop begins.
        leaveOnExit = new Thread(service::leave, "regent-leave");
        Runtime.getRuntime().addShutdownHook(leaveOnExit);
    }

    /** This server, for the REST API, health checks and metrics: plain calls, no EJB call each. */
    public GroupService service() {
        return service;
    }

    @PreDestroy
    void shutdown() {
        try {
            Runtime.getRuntime().removeShutdownHook(leaveOnExit);
        } catch (IllegalStateException e) {
            // the JVM is exiting: the hook has run
        }
        stopping = true; // the container refuses new timers from here on
        service.leave();
        timerService.getTimers().forEach(GroupEngine::cancelQuietly);
        timers.values().forEach(GroupEngine::cancelQuietly);
        timers.clear();
        service.stop();
    }

    // ---- timers -------------------------------------------------------------------------

    /** Sets (replacing) the protocol's timer of that kind, named by kind and token. */
    public void schedule(Effect.SetTimer t) {
        synchronized (timers) {
            cancelQuietly(timers.remove(t.kind()));
            if (stopping) {
                return;
            }
            TimerConfig config = new TimerConfig(t.kind().name() + ":" + t.token(), false);
            try {
                timers.put(t.kind(), t.period() > 0
                        ? timerService.createIntervalTimer(t.delay(), t.period(), config)
                        : timerService.createSingleActionTimer(t.delay(), config));
            } catch (IllegalStateException | EJBException e) {
                LOG.fine(() -> "timer " + t.kind() + " not set: the application is stopping (" + e + ")");
            }
        }
    }

    public void cancel(TimerKind kind) {
        synchronized (timers) {
            cancelQuietly(timers.remove(kind));
        }
    }

    /** The protocol started: the warm-up probes stop and the replica's tick begins. */
    public void startTicking() {
        for (Timer t : timerService.getTimers()) {
            if (WARM_UP.equals(t.getInfo())) {
                cancelQuietly(t);
            }
        }
        timerService.createIntervalTimer(TICK_PERIOD, TICK_PERIOD, new TimerConfig(TICK, false));
    }

    @Timeout
    void onTimer(Timer timer) {
        Object info = timer.getInfo();
        if (WARM_UP.equals(info)) {
            service.warmUp();
        } else if (TICK.equals(info)) {
            service.tick();
        } else {
            String[] kindAndToken = String.valueOf(info).split(":");
            service.fire(TimerKind.valueOf(kindAndToken[0]), Long.parseLong(kindAndToken[1]));
        }
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
}

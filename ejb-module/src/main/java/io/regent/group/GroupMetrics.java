package io.regent.group;

import io.regent.host.MemberHost;
import io.regent.protocol.Event;
import io.regent.protocol.Role;
import io.regent.upgrade.Feature;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Timer;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The group's MicroProfile Metrics, in the application registry ({@code /metrics?scope=application}):
 * elections and their durations, suspicions, revocations, handovers, stalls, lost quorums, dropped
 * messages, inquiry and probe round trips, writes committed and in doubt, and gauges of the epoch,
 * of mastership, of the last write applied and of the group's and this server's protocol versions.
 */
final class GroupMetrics {

    private final MetricRegistry registry;
    private final Counter suspicions;
    private final Counter revocations;
    private final Counter handovers;
    private final Counter stalls;
    private final Counter quorumLost;
    private final Counter dropped;
    private final Counter committed;
    private final Counter inDoubt;
    private final Timer electionDuration;
    private final Timer inquiryRoundTrip;
    private final Timer probeRoundTrip;
    private final Timer commitLatency;

    /**
     * @param groupVersion the group's protocol version as this server has it committed
     * @param writes       the protocol version this server writes at
     */
    GroupMetrics(MetricRegistry registry, Supplier<MemberHost.Snapshot> member, BooleanSupplier ready,
            IntSupplier groupVersion, IntSupplier writes) {
        this.registry = registry;
        suspicions = registry.counter(meta("regent.suspicions", "masters found not functional", MetricUnits.NONE));
        revocations = registry.counter(meta("regent.revocations", "worse-ranked declarers revoked", MetricUnits.NONE));
        handovers = registry.counter(meta("regent.handovers", "planned handovers made by this master", MetricUnits.NONE));
        stalls = registry.counter(meta("regent.stalls", "stalls after which this server rejoined", MetricUnits.NONE));
        quorumLost = registry.counter(meta("regent.quorum.lost", "times this master stepped down for want of a majority",
                MetricUnits.NONE));
        dropped = registry.counter(meta("regent.messages.dropped",
                "frames refused: forged, replayed, malformed, oversized or not a member's", MetricUnits.NONE));
        committed = registry.counter(meta("regent.writes.committed", "writes answered 2xx (on the master)", MetricUnits.NONE));
        inDoubt = registry.counter(meta("regent.writes.failed", "sequenced writes that were not confirmed", MetricUnits.NONE));
        // timers: Prometheus sees them in seconds, its base unit (regent_election_duration_seconds)
        electionDuration = registry.timer(meta("regent.election.duration",
                "from suspecting the master to declaring", MetricUnits.NANOSECONDS));
        inquiryRoundTrip = registry.timer(meta("regent.inquiry.round.trip",
                "inquiry to reply through the broker", MetricUnits.NANOSECONDS));
        probeRoundTrip = registry.timer(meta("regent.probe.round.trip",
                "probe to echo through the broker", MetricUnits.NANOSECONDS));
        commitLatency = registry.timer(meta("regent.commit.latency",
                "from a client's write reaching the master to its answer (durable on a majority)", MetricUnits.NANOSECONDS));
        registry.gauge(meta("regent.master", "1 on the server that is master (open for writes or taking over)",
                MetricUnits.NONE), member, m -> m.get().role() == Role.MASTER ? 1 : 0);
        registry.gauge(meta("regent.epoch.term", "term of the newest epoch this server knows", MetricUnits.NONE),
                member, m -> m.get().epoch().term());
        registry.gauge(meta("regent.ready", "1 on the master open for writes", MetricUnits.NONE),
                ready, r -> r.getAsBoolean() ? 1 : 0);
        registry.gauge(meta("regent.writes.applied", "sequence number of the last write applied here", MetricUnits.NONE),
                member, m -> m.get().applied().seq());
        registry.gauge(meta("regent.group.version", "the group's protocol version, as committed", MetricUnits.NONE),
                groupVersion, IntSupplier::getAsInt);
        registry.gauge(meta("regent.protocol.version", "the protocol version this server writes at", MetricUnits.NONE),
                writes, IntSupplier::getAsInt);
        for (Feature f : Feature.values()) {
            registry.gauge(meta("regent.feature", "1 where the group's version turns the feature on", MetricUnits.NONE),
                    groupVersion, v -> f.on(v.getAsInt()) ? 1 : 0, new Tag("feature", f.wireName()));
        }
    }

    void record(Event e) {
        if (e instanceof Event.RoundTrip r) {
            (r.probe() ? probeRoundTrip : inquiryRoundTrip).update(Duration.ofMillis(r.millis()));
        } else if (e instanceof Event.Declared d) {
            registry.counter("regent.declarations", new Tag("cause", d.cause().label())).inc();
            if (d.electionMillis() > 0) {
                electionDuration.update(Duration.ofMillis(d.electionMillis()));
            }
        } else if (e instanceof Event.MasterSuspected) {
            suspicions.inc();
        } else if (e instanceof Event.Revoked) {
            revocations.inc();
        } else if (e instanceof Event.HandedOver) {
            handovers.inc();
        } else if (e instanceof Event.Stalled) {
            stalls.inc();
        } else if (e instanceof Event.QuorumLost) {
            quorumLost.inc();
        } else if (e instanceof Event.Dropped) {
            dropped.inc();
        }
    }

    /** A frame the host refused before the protocol saw it (signature, replay, codec, size). */
    void droppedByHost() {
        dropped.inc();
    }

    /** A frame of a protocol version this build does not open, from {@code sender} as {@link VersionRefusals} names it. */
    void refusedVersion(String sender, int version) {
        registry.counter(meta("regent.frames.refused.version",
                "frames refused for a protocol version this build does not open", MetricUnits.NONE),
                new Tag("sender", sender), new Tag("version", Integer.toString(version))).inc();
    }

    /** A write answered: committed (with how long it took) or not. */
    void written(boolean ok, long nanos) {
        (ok ? committed : inDoubt).inc();
        if (ok) {
            commitLatency.update(Duration.ofNanos(nanos));
        }
    }

    private static Metadata meta(String name, String description, String unit) {
        return Metadata.builder().withName(name).withDescription(description).withUnit(unit).build();
    }
}

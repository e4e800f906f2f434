package io.regent.group;

import io.regent.protocol.Event;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Histogram;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;

import java.util.function.Supplier;

/**
 * The group's MicroProfile Metrics, in the application registry ({@code /metrics?scope=application}):
 * elections and their durations, suspicions, revocations, handovers, stalls, dropped messages,
 * inquiry and probe round trips, and gauges of the epoch and of mastership.
 */
final class GroupMetrics {

    private final MetricRegistry registry;
    private final Counter suspicions;
    private final Counter revocations;
    private final Counter handovers;
    private final Counter stalls;
    private final Counter dropped;
    private final Histogram electionMillis;
    private final Histogram inquiryRoundTrip;
    private final Histogram probeRoundTrip;

    GroupMetrics(MetricRegistry registry, Supplier<HealthView> health) {
        this.registry = registry;
        suspicions = registry.counter(meta("regent.suspicions", "masters found not functional", MetricUnits.NONE));
        revocations = registry.counter(meta("regent.revocations", "worse-ranked declarers revoked", MetricUnits.NONE));
        handovers = registry.counter(meta("regent.handovers", "planned handovers made by this master", MetricUnits.NONE));
        stalls = registry.counter(meta("regent.stalls", "stalls after which this server rejoined", MetricUnits.NONE));
        dropped = registry.counter(meta("regent.messages.dropped", "forged or malformed messages dropped", MetricUnits.NONE));
        electionMillis = registry.histogram(meta("regent.election.duration",
                "from suspecting the master to declaring", MetricUnits.MILLISECONDS));
        inquiryRoundTrip = registry.histogram(meta("regent.inquiry.round.trip",
                "inquiry to reply through the broker", MetricUnits.MILLISECONDS));
        probeRoundTrip = registry.histogram(meta("regent.probe.round.trip",
                "probe to echo through the broker", MetricUnits.MILLISECONDS));
        registry.gauge(meta("regent.epoch.term", "term of the newest epoch this server knows", MetricUnits.NONE),
                health, h -> Long.parseLong(h.get().epoch().split("\\.")[0]));
        registry.gauge(meta("regent.ready", "1 on the master open for writes", MetricUnits.NONE),
                health, h -> h.get().ready() ? 1 : 0);
    }

    void record(Event e) {
        if (e instanceof Event.RoundTrip r) {
            (r.probe() ? probeRoundTrip : inquiryRoundTrip).update(r.millis());
        } else if (e instanceof Event.Declared d) {
            registry.counter("regent.declarations", new Tag("cause", d.cause())).inc();
            if (d.electionMillis() > 0) {
                electionMillis.update(d.electionMillis());
            }
        } else if (e instanceof Event.MasterSuspected) {
            suspicions.inc();
        } else if (e instanceof Event.Revoked) {
            revocations.inc();
        } else if (e instanceof Event.HandedOver) {
            handovers.inc();
        } else if (e instanceof Event.Stalled) {
            stalls.inc();
        } else if (e instanceof Event.Dropped) {
            dropped.inc();
        }
    }

    /** A message the host refused before the protocol saw it (signature, codec). */
    void droppedByHost() {
        dropped.inc();
    }

    private static Metadata meta(String name, String description, String unit) {
        return Metadata.builder().withName(name).withDescription(description).withUnit(unit).build();
    }
}

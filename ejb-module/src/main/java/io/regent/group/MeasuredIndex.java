package io.regent.group;

import io.regent.host.ComputingPower;
import io.regent.host.RegentSettings;
import io.regent.protocol.Index;

import java.util.logging.Logger;

/**
 * {@code regent.server.index=auto} (claims 20-21): measures this server's capacity once, as it
 * starts, and gives it the index that figure earns. The figure holds until the server restarts,
 * so ranks change only when a server joins, never under a running master.
 */
final class MeasuredIndex {

    private static final Logger LOG = Logger.getLogger(MeasuredIndex.class.getName());

    private MeasuredIndex() {
    }

    /** The settings with the measured index, or as they are when the index is configured. */
    static RegentSettings apply(RegentSettings settings) {
        if (settings.indexBasis() == null) {
            return settings;
        }
        long figure = switch (settings.indexBasis()) {
            case CPU -> ComputingPower.measure();
            case BANDWIDTH -> FabricBandwidth.measure(GroupService.brokers(settings.fabric()), settings.fabric().user(),
                    settings.fabric().password(), settings.serverId(), settings.controlTopic());
        };
        RegentSettings measured = settings.measured(figure);
        LOG.info(() -> "Regent " + settings.serverId() + ": " + settings.indexBasis().name().toLowerCase()
                + " capacity " + figure + (settings.indexBasis() == RegentSettings.IndexBasis.CPU
                        ? " (processors x single-thread score)" : " bytes/s to the fabric")
                + ", " + Index.points(figure) + " points: index " + measured.protocol().index());
        return measured;
    }
}

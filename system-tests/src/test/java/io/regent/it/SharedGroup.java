package io.regent.it;

import io.regent.net.NetworkLab;

import java.nio.file.Path;
import java.util.Map;

/**
 * The groups test classes share, each started at most once a run: a Liberty start is most of the
 * suite's time on two cores, so classes that can use the same group do, one after another.
 */
public enum SharedGroup {

    /** Three servers and three brokers on loopback with the shipped defaults. */
    MAIN,
    /**
     * Each server and broker in a network namespace of its own, so links can be cut (root only),
     * with the example application (example/) deployed beside Regent.
     */
    NETWORK,
    /**
     * Servers that measure their own capacity ({@code regent.server.index=auto}), s1 confined to
     * one CPU, readiness per member ({@code regent.health.readiness=member}), and acknowledgements
     * straight to the master over mutual TLS ({@code REGENT_DIRECT_ACKS=true}).
     */
    MEASURED;

    /** The server confined to one CPU in {@link #MEASURED}. */
    public static final int CONFINED = 1;

    LocalGroup create(NetworkLab lab) {
        Path it = Path.of(System.getProperty("regent.it.dir", "target/it-group"));
        return switch (this) {
            case MAIN -> LocalGroup.forTests();
            case NETWORK -> LocalGroup.onHosts(it.resolveSibling("net-group"), 9280, 61816, lab).withExample();
            case MEASURED -> new LocalGroup(it.resolveSibling("measured-group"), 9480, 62016, Map.of(
                    "REGENT_SERVER_INDEX", "auto", "REGENT_SERVER_CPUS_" + CONFINED, "0",
                    "REGENT_HEALTH_READINESS", "member", "REGENT_DIRECT_ACKS", "true"));
        };
    }
}

package io.regent.host;

import io.regent.protocol.Role;

/**
 * This server's health in brief: what MicroProfile Health and load balancers need, read without
 * the engine's lock. {@code ready} is true, and {@code whyNotReady} null, on the master open for
 * writes; {@code caughtUp} on any member that serves reads.
 *
 * @param readyWhenCaughtUp {@code regent.health.readiness=member}
 */
public record HealthView(String server, Role role, String epoch, String master, boolean running, boolean joined,
        boolean ready, boolean caughtUp, boolean brokerReachable, String whyNotReady, boolean readyWhenCaughtUp) {

    /** What {@code /health/ready} answers: the open master, or with member readiness any member caught up. */
    public boolean readyAsConfigured() {
        return readyWhenCaughtUp ? caughtUp && brokerReachable : ready;
    }
}

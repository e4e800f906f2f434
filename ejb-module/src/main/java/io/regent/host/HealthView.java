package io.regent.host;

/**
 * This server's health in brief: what MicroProfile Health and load balancers need, read without
 * the engine's lock. {@code whyNotReady} is null on the master open for writes.
 */
public record HealthView(String server, String role, String epoch, String master, boolean running, boolean joined,
        boolean ready, boolean brokerReachable, String whyNotReady) {
}

package io.regent.group;

/** This server's health in brief: what MicroProfile Health reports, without the group detail. */
public record HealthView(String server, String role, String epoch, String master, boolean running, boolean joined,
        boolean ready, boolean brokerReachable) {
}

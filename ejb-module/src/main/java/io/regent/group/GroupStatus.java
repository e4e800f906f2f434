package io.regent.group;

import java.util.List;
import java.util.Map;

/**
 * A consistent snapshot of this server's view of the group, for the name server (claim 27),
 * health checks and the status page.
 */
public record GroupStatus(String group, Member self, String role, String epoch, long term,
        Master master, boolean running, boolean joined, boolean ready, Broker broker,
        List<Member> members, Map<String, Map<String, Long>> delays, List<EventLog.Entry> events,
        RoundTrips roundTrips, Counters counters) {

    /** Inquiry to reply (this backup to its master) and probe to echo (to every peer), through the broker. */
    public record RoundTrips(LatencyStats.Summary inquiry, LatencyStats.Summary probe) { }

    public record Member(String id, int index, String role, String url, Long lastSeenMillisAgo) { }

    public record Master(String id, Integer index, String url) { }

    public record Broker(boolean reachable, long lastRoundTripMillis, String lastError) { }

    public record Counters(long messagesSent, long messagesDropped, long sendQueueOverflows) { }
}

package io.regent.host;

import io.regent.protocol.Role;

import java.util.List;
import java.util.Map;

/**
 * A consistent snapshot of this server's view of the group, for the name server (claim 27),
 * health checks and the status page.
 */
public record GroupStatus(String group, Release release, Member self, Role role, String epoch, long term,
        Master master, boolean running, boolean joined, boolean ready, String whyNotReady, Broker broker,
        List<Member> members, Map<String, Map<String, Long>> delays, List<EventLog.Entry> events,
        RoundTrips roundTrips, Hops hops, Counters counters, Versions versions) {

    /**
     * Rolling upgrades (DESIGN.md §8): the group's protocol version, the one this server writes,
     * the ones it opens, the newest each member was heard speaking in its current run, the
     * features the group's version turns on, and frames refused for a version this build does not open.
     */
    public record Versions(int group, int writes, String opens, Map<String, Integer> heard, List<String> features,
            long refusedFrames) { }

    /** Inquiry to reply (this backup to its master) and probe to echo (to every peer), through the broker. */
    public record RoundTrips(LatencyStats.Summary inquiry, LatencyStats.Summary probe) { }

    /**
     * Where a message's time goes on its way out and in, per topic: waiting in the send queue and
     * in the send call (µs), and from the sender's send to this server's receipt (ms).
     */
    public record Hops(LatencyStats.Summary controlQueueMicros, LatencyStats.Summary controlSendMicros,
            LatencyStats.Summary controlTransitMillis, LatencyStats.Summary streamQueueMicros,
            LatencyStats.Summary streamSendMicros, LatencyStats.Summary streamTransitMillis,
            LatencyStats.Summary directSendMicros, LatencyStats.Summary directTransitMillis) { }

    /**
     * @param index    what the member is ranked by (lower is better; see the protocol's Index)
     * @param capacity the figure a measured index came from (regent.index.basis), or null
     */
    public record Member(String id, int index, Long capacity, Role role, String url, Long lastSeenMillisAgo) { }

    public record Master(String id, Integer index, String url) { }

    /**
     * @param current   the broker this server is connected to, or null
     * @param failovers times this server moved to another broker because its own failed
     */
    public record Broker(String current, boolean reachable, long lastRoundTripMillis, String lastError, long failovers) { }

    /**
     * @param sendFailures       sends the broker refused (each also marks the broker unreachable)
     * @param messagesDropped    frames refused: bad signature, replayed, malformed, oversized, not a member's
     * @param sendQueueOverflows messages dropped because a send queue was full (its bytes are bounded)
     */
    public record Counters(long messagesSent, long sendFailures, long messagesDropped, long sendQueueOverflows,
            long sendQueueBytes) { }
}

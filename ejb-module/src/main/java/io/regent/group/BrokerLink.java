package io.regent.group;

/**
 * Whether this server can reach the broker, judged by evidence that cannot go stale: its own
 * probes coming back through the topic. A master that cannot reach the broker cannot
 * replicate, so it must not report ready (DESIGN.md §2.5).
 */
public final class BrokerLink {

    private final long window;
    private volatile long lastLoopback = -1;
    private volatile long lastRoundTrip = -1;
    private volatile long lastSendFailure = -1;
    private volatile String lastError;

    /** @param window how long a loopback counts as proof of a working broker */
    BrokerLink(long window) {
        this.window = window;
    }

    void loopback(long now, long sentAt) {
        lastLoopback = now;
        lastRoundTrip = now - sentAt;
    }

    void sendFailed(long now, String error) {
        lastSendFailure = now;
        lastError = error;
    }

    public boolean reachable(long now) {
        return lastLoopback >= 0 && now - lastLoopback <= window && lastSendFailure < lastLoopback;
    }

    /** Round trip of this server's last probe through the broker, ms, or -1. */
    public long lastRoundTrip() {
        return lastRoundTrip;
    }

    public String lastError() {
        return lastError;
    }
}

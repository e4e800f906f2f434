package io.regent.replication;

/**
 * @param self            this server's id
 * @param ackMode         when a write counts as committed
 * @param ackTimeout      how long a write may wait for its acknowledgements before it fails
 * @param fetchTimeout    how long a fetch (or a snapshot chunk) may go unanswered before it is asked again
 * @param maxMessageBytes most bytes of writes or snapshot pairs in one stream message
 * @param maxPendingBytes most bytes of writes the master holds waiting for acknowledgements;
 *                        past it, new writes are turned away until some commit
 * @param framesInFlight  most broadcasts of writes the master has on their way uncommitted; writes
 *                        sequenced meanwhile go out together in the next ({@link BroadcastWindow})
 */
public record ReplicationConfig(String self, AckMode ackMode, long ackTimeout, long fetchTimeout,
        long maxMessageBytes, long maxPendingBytes, int framesInFlight) {

    public static final int DEFAULT_FRAMES_IN_FLIGHT = 1;

    public ReplicationConfig {
        require(self != null && !self.isBlank(), "self", "must be set");
        require(ackMode != null, "ackMode", "must be set");
        require(ackTimeout >= 1, "ackTimeout", "must be >= 1 ms");
        require(fetchTimeout >= 1, "fetchTimeout", "must be >= 1 ms");
        require(maxMessageBytes >= 1_024, "maxMessageBytes", "must be >= 1024");
        require(maxPendingBytes >= 1_024, "maxPendingBytes", "must be >= 1024");
        require(framesInFlight >= 1, "framesInFlight", "must be >= 1");
    }

    public ReplicationConfig(String self, AckMode ackMode, long ackTimeout, long fetchTimeout,
            long maxMessageBytes, long maxPendingBytes) {
        this(self, ackMode, ackTimeout, fetchTimeout, maxMessageBytes, maxPendingBytes,
                DEFAULT_FRAMES_IN_FLIGHT);
    }

    private static void require(boolean ok, String field, String problem) {
        if (!ok) {
            throw new IllegalArgumentException(field + ": " + problem);
        }
    }

    /**
     * How long a broadcast, a takeover query or a lagging peer may stay silent before it is taken
     * as lost and acted on: a quarter of the fetch time-out, so a loss is repaired well before a
     * fetch would give up.
     */
    public long quietPeriod() {
        return fetchTimeout / 4;
    }

    public static ReplicationConfig defaults(String self) {
        return new ReplicationConfig(self, AckMode.MAJORITY, 5_000, 2_000, 1024 * 1024, 16 * 1024 * 1024,
                DEFAULT_FRAMES_IN_FLIGHT);
    }
}

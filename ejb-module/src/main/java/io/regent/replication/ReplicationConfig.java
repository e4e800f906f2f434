package io.regent.replication;

/**
 * @param self         this server's id
 * @param minAcks      followers that must acknowledge a write before it is answered; -1 = every
 *                     live follower
 * @param retention    writes each server keeps to fill others' gaps; older ones need a snapshot
 * @param ackTimeout   how long a write may wait for its acknowledgements before it fails
 * @param fetchTimeout how long a fetch may go unanswered before it is asked again
 * @param batchLimit   most writes in one stream message
 */
public record ReplicationConfig(String self, int minAcks, int retention, long ackTimeout, long fetchTimeout,
        int batchLimit) {

    public ReplicationConfig {
        require(self != null && !self.isBlank(), "self", "must be set");
        require(minAcks >= -1, "minAcks", "must be -1 (all live followers) or >= 0");
        require(retention >= 1, "retention", "must be >= 1");
        require(ackTimeout >= 1, "ackTimeout", "must be >= 1 ms");
        require(fetchTimeout >= 1, "fetchTimeout", "must be >= 1 ms");
        require(batchLimit >= 1, "batchLimit", "must be >= 1");
    }

    private static void require(boolean ok, String field, String problem) {
        if (!ok) {
            throw new IllegalArgumentException(field + ": " + problem);
        }
    }

    public static ReplicationConfig defaults(String self) {
        return new ReplicationConfig(self, -1, 10_000, 5_000, 2_000, 500);
    }
}

package io.regent.group;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * This server's copy of the replicated state, for {@code GET /api/replication}: where it stands,
 * its digest (equal on servers that agree), and on the master what waits for acknowledgement.
 *
 * @param acked  on the master, how far each follower has acknowledged in this epoch
 * @param commit on the master, from sequencing a write to its commit (ms)
 * @param awaitedPositions while taking over: live servers that have not said where they stand
 */
public record ReplicationStatus(String server, String mode, boolean open, boolean current, String applied,
        long appliedSeq, String fence, String digest, int keys, int waiting, Map<String, Long> acked,
        LatencyStats.Summary commit, Set<String> awaitedPositions,
        long committed, long failed, long snapshotsInstalled, List<EventLog.Entry> events) {
}

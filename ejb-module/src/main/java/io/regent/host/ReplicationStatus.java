package io.regent.host;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * This server's copy of the replicated state, for {@code GET /api/replication}: where it stands
 * and how far that is durable, its digest (equal on servers that agree), its size, and on the
 * master what waits for acknowledgement.
 *
 * @param acked            on the master, how far each follower has acknowledged in this epoch
 * @param commit           on the master, from sequencing a write to its commit (ms)
 * @param awaitedPositions while taking over: servers whose positions are still needed
 * @param bytesFetched     bytes of writes and snapshot pairs this server fetched since it started
 */
public record ReplicationStatus(String server, String mode, boolean open, boolean current, String applied,
        long appliedSeq, String durable, String fence, String digest, long keys, long bytes, int waiting,
        long waitingBytes, Map<String, Long> acked, LatencyStats.Summary commit, Set<String> awaitedPositions,
        long snapshotsInstalled, int snapshotsServing, long bytesFetched, Storage storage, List<EventLog.Entry> events) {

    /** The disk: where, how durably, and what the retained log holds. */
    public record Storage(String dir, String sync, long retainedEntries, long retainedBytes, long incarnation) { }
}

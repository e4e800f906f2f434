package io.regent.host;

import io.regent.replication.Replica;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * This server's copy of the replicated state, for {@code GET /api/replication}: where it stands
 * and how far that is durable, its digest (equal on servers that agree), its size, and on the
 * master what waits for acknowledgement.
 *
 * @param acked            on the master, how far each follower has acknowledged in this epoch
 * @param commitMicros     on the master, from sequencing a write to its commit (µs)
 * @param awaitedPositions while taking over: servers whose positions are still needed
 * @param bytesFetched     bytes of writes and snapshot pairs this server fetched since it started
 */
public record ReplicationStatus(String server, Replica.Mode mode, boolean open, boolean current, String applied,
        long appliedSeq, String durable, String fence, String digest, long keys, long bytes, int waiting,
        long waitingBytes, Map<String, Long> acked, LatencyStats.Summary commitMicros, Set<String> awaitedPositions,
        long snapshotsInstalled, int snapshotsServing, long bytesFetched, Storage storage, List<EventLog.Entry> events) {

    /** The disk: where, how durably, what the retained log holds, and how long its group commits' fsyncs take (µs). */
    public record Storage(String dir, String sync, long retainedEntries, long retainedBytes, long incarnation,
            LatencyStats.Summary syncMicros) { }
}

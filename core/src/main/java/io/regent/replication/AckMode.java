package io.regent.replication;

/** When the master answers a write (DESIGN.md §3). */
public enum AckMode {
    /**
     * Once the write is durable on a majority of the configured group, the master included: no
     * failover, partition or whole-group crash loses it. A new master hears a majority before
     * it opens, so it sees every such write.
     */
    MAJORITY,
    /**
     * Once it is durable on the master and on every follower the protocol hears: writes go on
     * while only the master is live, at the risk of losing those acknowledged by a master that
     * was cut off and then replaced.
     */
    ALL_LIVE
}

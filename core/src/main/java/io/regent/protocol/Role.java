package io.regent.protocol;

/** What a server is doing in its group. */
public enum Role {
    /**
     * Started or restarted: has not yet heard its master answer (or, with no master, not yet
     * elected one); not electable, never suspects.
     */
    JOINING,
    /** Follows a master and inquires whether it is functional. */
    BACKUP,
    /** Found the master not functional; its election timer runs. */
    WAITING,
    /** Declared itself; answers inquiries and clients. */
    MASTER
}

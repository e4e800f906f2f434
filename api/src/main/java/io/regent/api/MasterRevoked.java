package io.regent.api;

/**
 * This server is no longer the master of {@code epoch}: it stopped taking writes before this
 * event was fired, and work started for the epoch should stop.
 *
 * @param member this server's id
 */
public record MasterRevoked(Epoch epoch, String member, Reason reason) {

    /** Why the mastership ended. */
    public enum Reason {
        /** Another server was elected (a better-ranked one took over, or a handover). */
        SUPERSEDED,
        /** This server cannot hear a majority of the group within the quorum window (cut off). */
        LOST_QUORUM,
        /** This server cannot reach any broker. */
        LOST_BROKER,
        /** This server's storage failed and it stopped. */
        HALTED,
        /** The application or the server is stopping. */
        STOPPING,
        /** This server stepped down for another reason (it suspects itself stalled, say). */
        STEPPED_DOWN
    }
}

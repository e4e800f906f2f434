package io.regent.host;

/** Why a server does not take writes now: what a 503 or a 307 tells the client. */
public enum NotOpenReason {
    /** Another server is the master: go there. */
    NOT_MASTER("this server is not the master"),
    /** No master is known yet (an election is under way). */
    NO_MASTER("no master is known yet; an election is under way"),
    /** This server was elected and is bringing itself up to date. */
    TAKING_OVER("this server is taking over as master and syncing"),
    /** This server cannot hear a majority of the group, so it may not acknowledge writes. */
    NO_QUORUM("this server cannot hear a majority of the group (check-quorum), so it acknowledges no write"),
    /** This server cannot reach any broker. */
    NO_BROKER("this server cannot reach the broker"),
    /** The group engine is starting or stopping. */
    NOT_RUNNING("the group engine is not running"),
    /** A write or an fsync of this server's storage failed: it stopped, and must be restarted. */
    HALTED("this server's storage failed (a write or an fsync), so it stopped; restart it");

    private final String text;

    NotOpenReason(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }
}

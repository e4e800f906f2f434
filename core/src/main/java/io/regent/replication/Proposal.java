package io.regent.replication;

/** The answer to a client's write offered to the replica. */
public sealed interface Proposal {

    /**
     * Sequenced at {@code at} and applied here with {@code result} (and {@code value}, the
     * proposer's answer object, or null: {@link StateMachine#takeValue}); wait for its commit.
     */
    record Accepted(Position at, String result, Object value) implements Proposal { }

    /** Not sequenced: the state machine refused it against the current state (a quota, say). */
    record Refused(String reason) implements Proposal { }

    /** Not sequenced, for a reason of the group's. */
    record Rejected(Reason reason) implements Proposal { }

    enum Reason {
        /** This server is not the master: send the client there. */
        NOT_MASTER,
        /** This server is master but still taking over: ask again shortly. */
        SYNCING,
        /** Too many bytes of writes already wait for acknowledgements: ask again shortly. */
        BUSY
    }
}

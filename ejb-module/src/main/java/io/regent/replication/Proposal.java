package io.regent.replication;

/** The answer to a client's write offered to the replica. */
public sealed interface Proposal {

    /** Sequenced at {@code at} and applied here with {@code result}; wait for its commit. */
    record Accepted(Position at, String result) implements Proposal { }

    /** Not sequenced. */
    record Rejected(Reason reason) implements Proposal { }

    enum Reason {
        /** This server is not the master: send the client there. */
        NOT_MASTER,
        /** This server is master but still taking over: ask again shortly. */
        SYNCING
    }
}

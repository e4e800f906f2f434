package io.regent.api;

import java.time.Duration;
import java.util.Optional;

/** This server's mastership, injectable anywhere ({@code @Inject Mastership mastership}). */
public interface Mastership {

    /** Whether this server is the master open for writes now. */
    boolean isMaster();

    /** The epoch this server is master in (the fencing token), or empty if it is not the master. */
    Optional<Epoch> epoch();

    /** This server's id in the group. */
    String member();

    /**
     * Waits until this server is the master, at most {@code timeout}.
     *
     * @return whether it is
     */
    boolean awaitMaster(Duration timeout) throws InterruptedException;

    /**
     * A planned handover: the master hands its mastership to the best-ranked live backup and
     * revokes its own at once. Does nothing on a server that is not the master.
     */
    void handOver();
}

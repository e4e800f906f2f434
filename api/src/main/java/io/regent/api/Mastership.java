package io.regent.api;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

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
     * An executor for master-only background work: a task submitted off the master is refused
     * ({@code RejectedExecutionException} caused by {@link NotMasterException}); one taken runs
     * as {@link MasterOnly} work, and is cancelled (interrupted if running) when the mastership
     * it was taken in is revoked. Its threads are Regent's, without a {@code java:comp} context.
     */
    ExecutorService executor();

    /**
     * A planned handover: the master hands its mastership to the best-ranked live backup and
     * revokes its own at once. Does nothing on a server that is not the master.
     */
    void handOver();
}

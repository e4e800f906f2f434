package io.regent.example.web;

import io.regent.api.Epoch;
import io.regent.api.MasterOnly;
import io.regent.api.Mastership;
import io.regent.api.Replicated;
import io.regent.api.ReplicatedMachines;
import io.regent.example.tickets.JobRun;
import io.regent.example.tickets.JobRuns;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.inject.Inject;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A job that must run on one server at a time: a non-persistent EJB timer set on every server,
 * which {@link MasterOnly} skips everywhere but on the master, and interrupts when the master is
 * revoked. Each run reports itself to the replicated {@link JobRuns} log, fenced by the epoch it
 * ran in, so a master deposed while it ran cannot report a run that overlaps its successor's.
 */
@Singleton
public class ReportJob {

    private static final Logger LOG = Logger.getLogger(ReportJob.class.getName());
    /** What a run's work takes: long enough that a failover can fall inside one. */
    private static final long WORK_MILLIS = 300;

    @Inject
    private Mastership mastership;

    @Inject
    private ReplicatedMachines machines;

    private Replicated<JobRun, Long> runs;

    @PostConstruct
    void find() {
        runs = machines.of(JobRuns.class);
    }

    @MasterOnly
    @Schedule(second = "*", minute = "*", hour = "*", persistent = false)
    void run() {
        Epoch epoch = mastership.epoch().orElse(null);
        if (epoch == null) {
            return; // revoked between the check and here
        }
        long start = System.currentTimeMillis();
        try {
            Thread.sleep(WORK_MILLIS);
            JobRun run = new JobRun(mastership.member(), epoch.toString(), start, System.currentTimeMillis());
            runs.propose(run, epoch).toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // revoked: stop, report nothing
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.FINE, "a run in epoch " + epoch + " was not recorded", e);
        }
    }
}

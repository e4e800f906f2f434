package io.regent.it.probe;

import io.regent.api.MasterOnly;
import io.regent.api.Mastership;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.inject.Inject;

import java.util.concurrent.atomic.AtomicLong;

/** A timer set on every server that runs on the master only, and a call refused elsewhere. */
@Singleton
public class MasterOnlyWork {

    private final AtomicLong runs = new AtomicLong();

    @Inject
    private Mastership mastership;

    @MasterOnly
    @Schedule(second = "*", minute = "*", hour = "*", persistent = false)
    void everySecond() {
        runs.incrementAndGet();
    }

    @MasterOnly
    public String call() {
        return "ran in epoch " + mastership.epoch().orElseThrow();
    }

    public long runs() {
        return runs.get();
    }
}

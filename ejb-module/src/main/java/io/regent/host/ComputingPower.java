package io.regent.host;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Claim 20's figure: the computing power available to this server's JVM, measured once at start.
 * It is the processors the JVM may use (its CPU affinity and cgroup quota included, as the JVM
 * counts them) times a single-thread score: units of a fixed integer workload per second
 * of this thread's own CPU time. CPU time rather than wall time, so that servers starting
 * together on one machine, competing for its cores, still measure their cores and not the crowd.
 * The score is the best of many short rounds: what else happens as a server starts (the JIT
 * still compiling the workload, other servers' start-up sharing caches and cores) only ever
 * slows a round down, so the best round is the nearest to what the core can do.
 */
public final class ComputingPower {

    private static final long WARM_UP_NANOS = 100_000_000L;
    private static final long ROUND_NANOS = 20_000_000L;
    /** A second of CPU time in all: long enough for the JIT's optimised workload to arrive. */
    private static final int ROUNDS = 50;
    private static final int UNIT = 20_000;
    /** Where the workload's results go, so that the JIT cannot drop the work. */
    private static volatile long sink;

    private ComputingPower() {
    }

    /** Processors times the single-thread score. */
    public static long measure() {
        return (long) Runtime.getRuntime().availableProcessors() * singleThreadScore();
    }

    /** Workload units per second of CPU time, on this thread. */
    static long singleThreadScore() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!threads.isCurrentThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM cannot measure thread CPU time");
        }
        run(threads, WARM_UP_NANOS); // let the JIT compile the workload first
        long best = 1;
        for (int round = 0; round < ROUNDS; round++) {
            long[] measured = run(threads, ROUND_NANOS);
            best = Math.max(best, measured[0] * 1_000_000_000L / Math.max(1, measured[1]));
        }
        return best;
    }

    /** Units done and the CPU nanoseconds spent. */
    private static long[] run(ThreadMXBean threads, long cpuBudget) {
        long start = threads.getCurrentThreadCpuTime();
        long units = 0;
        long state = 0x9E3779B97F4A7C15L;
        long spent;
        do {
            state = unit(state);
            units++;
            spent = threads.getCurrentThreadCpuTime() - start;
        } while (spent < cpuBudget);
        sink = state;
        return new long[] {units, spent};
    }

    /** A fixed amount of integer work: xorshift steps mixed into a running sum. */
    private static long unit(long state) {
        long x = state;
        long sum = 0;
        for (int i = 0; i < UNIT; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            sum += x * 31 + (sum >>> 3);
        }
        return x ^ sum;
    }
}

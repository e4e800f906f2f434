package io.regent.sim;

import io.regent.protocol.ProtocolConfig;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Prints how failover scales with the group size, in the simulation with the shipped default
 * timing and clean network delays: virtual time from the master's crash to a single agreed
 * master, messages sent per failover, revocations, and scenarios simulated per second.
 *
 * <p>{@code mvn -B -q -pl ejb-module -Psim-scale test} (trials: {@code -Dregent.sim.trials=20}).
 */
public final class ScaleTable {

    private ScaleTable() {
    }

    public static void main(String[] args) {
        int trials = Integer.getInteger("regent.sim.trials", 20);
        ProtocolConfig d = ProtocolConfig.defaults("s1", Map.of("s1", 1));
        System.out.printf("Failover in simulation, shipped defaults (detection %d ms, time-out %d ms, %d misses, "
                + "election base %d ms), %d trials per size%n", d.detectionInterval(), d.replyTimeout(), d.misses(),
                d.electionBase(), trials);
        System.out.printf("%5s | %29s | %27s | %27s | %11s | %12s%n", "N", "crash -> agreed master, ms",
                "election msgs per failover", "all msgs per failover", "revocations", "scenarios/s");
        System.out.printf("%5s | %9s %9s %9s | %9s %8s %8s | %9s %8s %8s | %11s | %12s%n", "", "median", "p99", "max",
                "median", "p99", "max", "median", "p99", "max", "total", "");
        for (int n : new int[] {3, 5, 9, 25, 100}) {
            List<Scenario.Failover> runs = new ArrayList<>();
            long began = System.nanoTime();
            for (int t = 0; t < trials; t++) {
                Scenario s = Scenario.withDefaults(1_000L * n + t, n, Scenario.Kind.CLEAN_CRASH);
                s.run();
                runs.add(s.failover());
            }
            double perSecond = trials / ((System.nanoTime() - began) / 1e9);
            System.out.printf("%5d | %9d %9d %9d | %9d %8d %8d | %9d %8d %8d | %11d | %12.1f%n", n,
                    pct(runs, Scenario.Failover::millis, 50), pct(runs, Scenario.Failover::millis, 99),
                    pct(runs, Scenario.Failover::millis, 100),
                    pct(runs, Scenario.Failover::protocolMessages, 50), pct(runs, Scenario.Failover::protocolMessages, 99),
                    pct(runs, Scenario.Failover::protocolMessages, 100),
                    pct(runs, Scenario.Failover::allMessages, 50), pct(runs, Scenario.Failover::allMessages, 99),
                    pct(runs, Scenario.Failover::allMessages, 100),
                    runs.stream().mapToLong(Scenario.Failover::revocations).sum(), perSecond);
        }
    }

    private static long pct(List<Scenario.Failover> runs, ToLongFunction<Scenario.Failover> f, int p) {
        List<Long> values = new ArrayList<>();
        runs.forEach(r -> values.add(f.applyAsLong(r)));
        Collections.sort(values);
        int i = (int) Math.ceil(values.size() * p / 100.0) - 1;
        return values.get(Math.max(0, Math.min(values.size() - 1, i)));
    }
}

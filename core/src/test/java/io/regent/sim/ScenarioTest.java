package io.regent.sim;

import io.regent.history.HistoryFile;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs many seeded scenarios (system property {@code regent.sim.scenarios}, default 10,000)
 * with mixed faults and N from 3 to 9; every invariant is checked at every step, and each
 * scenario's register history by the linearizability checker at its end. A failure
 * names its seed; {@code -Dregent.sim.seed=S} replays that one seed alone,
 * {@code -Dregent.sim.kind=K} runs every seed as a scenario of that kind, to attack one fault, and
 * {@code -Dregent.sim.fsyncFailures=false} leaves failed fsyncs out of every scenario.
 */
class ScenarioTest {

    @Test
    void everyScenarioHoldsTheInvariants() {
        String only = System.getProperty("regent.sim.seed", "");
        String onlyKind = System.getProperty("regent.sim.kind", "");
        long scenarios = Long.getLong("regent.sim.scenarios", 10_000);
        LongStream seeds = only.isBlank() ? LongStream.range(1, scenarios + 1) : LongStream.of(Long.parseLong(only));
        Map<Scenario.Kind, AtomicLong> ran = new ConcurrentHashMap<>();
        long began = System.nanoTime();
        AtomicLong done = new AtomicLong();
        AtomicReference<HistoryCheck.Checked> checked = new AtomicReference<>(HistoryCheck.Checked.NONE);
        seeds.parallel().forEach(seed -> {
            Scenario s = onlyKind.isBlank() ? new Scenario(seed)
                    : new Scenario(seed, -1, Scenario.Kind.valueOf(onlyKind));
            s.run();
            ran.computeIfAbsent(s.kind, k -> new AtomicLong()).incrementAndGet();
            checked.accumulateAndGet(s.checked(), HistoryCheck.Checked::plus);
            done.incrementAndGet();
        });
        long count = done.get();
        double seconds = (System.nanoTime() - began) / 1e9;
        System.out.printf("simulated %d scenarios in %.1f s (%.0f/s): %s%n", count, seconds, count / seconds,
                ran);
        System.out.println(checked.get().describe());
        assertEquals(only.isBlank() ? scenarios : 1, count);
        if (only.isBlank() && onlyKind.isBlank() && scenarios >= 1000) {
            for (Scenario.Kind kind : Scenario.Kind.values()) {
                assertTrue(ran.containsKey(kind), "no scenario of kind " + kind);
            }
            HistoryCheck.Checked c = checked.get();
            assertTrue(c.operations() > 0 && c.linearizableReads() > 0 && c.committedReads() > 0 && c.minSeqReads() > 0,
                    "the register clients' histories held reads of every consistency: " + c.describe());
        }
    }

    @Test
    void aSeedReplaysIdentically() {
        for (long seed = 1; seed <= 20; seed++) {
            Scenario a = new Scenario(seed);
            a.run();
            Scenario b = new Scenario(seed);
            b.run();
            assertEquals(a.simulation().handled, b.simulation().handled, "seed " + seed);
            assertEquals(a.simulation().describe(), b.simulation().describe(), "seed " + seed);
            assertEquals(HistoryFile.format(a.registerHistory()), HistoryFile.format(b.registerHistory()),
                    "seed " + seed);
        }
    }
}

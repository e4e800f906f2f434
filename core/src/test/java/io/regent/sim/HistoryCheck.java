package io.regent.sim;

import io.regent.history.History;
import io.regent.history.HistoryFile;
import io.regent.history.LinearizabilityChecker;
import io.regent.history.Operation;
import io.regent.history.Report;
import io.regent.history.Request;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The verdict on a scenario's register history, taken once at its end (checking after every step
 * would cost far more, and find nothing the end does not). A key the checker finds not
 * linearizable, or cannot decide (histories this small never need its budget), fails the
 * scenario with its seed, the checker's account and the history, which is also kept as
 * {@code target/sim-histories/seed-S.tsv} to be read or checked again.
 */
final class HistoryCheck {

    /** What was checked, for the run's summary. */
    record Checked(long scenarios, long operations, long keys, long ok, long failed, long unknown,
                   long linearizableReads, long committedReads, long minSeqReads, long checkNanos) {

        static final Checked NONE = new Checked(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

        Checked plus(Checked o) {
            return new Checked(scenarios + o.scenarios, operations + o.operations, keys + o.keys, ok + o.ok,
                    failed + o.failed, unknown + o.unknown, linearizableReads + o.linearizableReads,
                    committedReads + o.committedReads, minSeqReads + o.minSeqReads, checkNanos + o.checkNanos);
        }

        String describe() {
            double n = Math.max(1, scenarios);
            return String.format("register histories of %d scenarios: %d operations on %d keys (%.1f operations and "
                            + "%.1f keys a scenario), %d answered, %d failed, %d unknown; reads answered: %d "
                            + "linearizable, %d committed, %d min-seq; checked in %.1f s", scenarios, operations, keys,
                    operations / n, keys / n, ok, failed, unknown, linearizableReads, committedReads, minSeqReads,
                    checkNanos / 1e9);
        }
    }

    private HistoryCheck() {
    }

    /** @throws AssertionError naming the seed if some key's history is not found linearizable */
    static Checked check(Scenario scenario, List<Operation> operations) {
        long began = System.nanoTime();
        Report report = new LinearizabilityChecker().check(operations);
        long took = System.nanoTime() - began;
        if (!report.linearizable()) {
            throw new AssertionError(failure(scenario, operations, report));
        }
        long ok = 0;
        long failed = 0;
        long unknown = 0;
        long[] reads = new long[Request.Consistency.values().length];
        for (Operation op : operations) {
            switch (op.outcome()) {
                case OK -> {
                    ok++;
                    if (op.kind() == Request.Kind.READ) {
                        reads[op.request().consistency().ordinal()]++;
                    }
                }
                case FAILED -> failed++;
                case UNKNOWN -> unknown++;
            }
        }
        return new Checked(1, operations.size(), report.verdicts().size(), ok, failed, unknown,
                reads[Request.Consistency.LINEARIZABLE.ordinal()], reads[Request.Consistency.COMMITTED.ordinal()],
                reads[Request.Consistency.MIN_SEQ.ordinal()], took);
    }

    private static String failure(Scenario scenario, List<Operation> operations, Report report) {
        StringBuilder text = new StringBuilder("the register clients' history is not linearizable (seed "
                + scenario.seed + ", " + scenario.kind + ", " + scenario.size + " servers; replay with -Dregent.sim.seed="
                + scenario.seed + " -Dregent.sim.trace=true)\n");
        Stream.concat(report.violations().stream(), report.undecided().stream())
                .forEach(v -> text.append(v.describe()).append('\n'));
        // every key's operations, key by key, timed from the history's first invocation as the verdicts are
        List<Operation> byKey = History.byKey(operations).values().stream().flatMap(List::stream).toList();
        text.append("\nthe history:\n").append(HistoryFile.format(byKey));
        Path kept = Path.of("target", "sim-histories", "seed-" + scenario.seed + ".tsv");
        try {
            Files.createDirectories(kept.getParent());
            HistoryFile.write(kept, byKey);
            text.append("(kept in ").append(kept.toAbsolutePath()).append(")\n");
        } catch (IOException e) {
            text.append("(not kept: ").append(e).append(")\n");
        }
        return text.toString();
    }
}

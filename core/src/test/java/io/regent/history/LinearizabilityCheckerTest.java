package io.regent.history;

import io.regent.history.Operation.Outcome;
import io.regent.history.Request.Consistency;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.regent.history.Result.ABSENT;
import static io.regent.history.Result.conflict;
import static io.regent.history.Result.deleted;
import static io.regent.history.Result.present;
import static io.regent.history.Result.written;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinearizabilityCheckerTest {

    private static final String K = "k";
    private final LinearizabilityChecker checker = new LinearizabilityChecker();

    // ---- histories accepted -----------------------------------------------------------------

    @Test
    void aSequentialHistoryIsLinearizable() {
        assertLinearizable(
                ok(1, put("a"), 0, 1, written(1)),
                ok(2, read(Consistency.LINEARIZABLE), 2, 3, present("a", 1)),
                ok(1, put("b"), 4, 5, written(2)),
                ok(2, casPut("c", 2), 6, 7, written(3)),
                ok(1, read(Consistency.COMMITTED), 8, 9, present("c", 3)),
                ok(2, Request.delete(K), 10, 11, deleted(3)),
                ok(1, read(Consistency.LINEARIZABLE), 12, 13, ABSENT),
                ok(2, Request.delete(K), 14, 15, ABSENT),
                ok(1, put("d"), 16, 17, written(1)), // a deleted key starts again at version 1
                ok(2, read(Consistency.LINEARIZABLE), 18, 19, present("d", 1)));
    }

    @Test
    void concurrentWritesAreOrderedByTheVersionsTheyWereAnswered() {
        assertLinearizable( // sent first, applied second
                ok(1, put("a"), 0, 10, written(2)),
                ok(2, put("b"), 2, 8, written(1)),
                ok(3, read(Consistency.LINEARIZABLE), 3, 9, present("b", 1)),
                ok(4, read(Consistency.LINEARIZABLE), 4, 5, ABSENT),
                ok(4, read(Consistency.LINEARIZABLE), 6, 12, present("a", 2)),
                ok(3, read(Consistency.LINEARIZABLE), 11, 12, present("a", 2)));
    }

    @Test
    void anUnknownWriteMayHaveTakenEffectOrNot() {
        assertLinearizable(
                ok(1, put("a"), 0, 1, written(1)),
                unknown(2, put("x"), 2, 3),                  // applied: a read saw it
                unknown(3, put("y"), 2, 3),                  // never applied
                ok(1, put("b"), 6, 7, written(3)),
                ok(4, read(Consistency.COMMITTED), 10, 11, present("x", 2)),
                ok(4, read(Consistency.LINEARIZABLE), 12, 13, present("b", 3)),
                unknown(2, put("z"), 14, 15),                // never applied
                ok(4, read(Consistency.LINEARIZABLE), 16, 17, present("b", 3)),
                unknown(3, put("w"), 18, 19),                // applied long after its client gave up
                ok(4, read(Consistency.LINEARIZABLE), 30, 31, present("w", 4)));
    }

    @Test
    void anUnknownWriteNobodyReadCanStillBeProvenByTheVersionsAfterIt() {
        assertLinearizable(
                ok(1, put("a"), 0, 1, written(1)),
                unknown(2, put("x"), 2, 3),
                ok(1, put("b"), 4, 5, written(3)));
        assertViolation(
                ok(1, put("a"), 0, 1, written(1)),
                unknown(2, put("x"), 6, 7),                  // sent too late to fill the gap
                ok(1, put("b"), 4, 5, written(3)));
    }

    @Test
    void compareAndSetSucceedsOrConflictsByTheVersionItFinds() {
        assertLinearizable(
                ok(1, put("a"), 0, 1, written(1)),
                ok(2, casPut("b", 1), 2, 3, written(2)),
                ok(3, casPut("c", 1), 4, 5, conflict(2)),
                ok(1, casPut("d", 2), 6, 9, written(3)),     // two racing from v2: one wins
                ok(2, casPut("e", 2), 7, 8, conflict(3)),
                ok(3, Request.casDelete(K, 3), 10, 11, deleted(3)),
                ok(1, casPut("f", 0), 12, 13, written(1)),    // If-Match "0": only if absent
                ok(2, Request.casDelete(K, 5), 14, 15, conflict(1)),
                ok(3, casPut("g", 0), 16, 17, conflict(1)));
    }

    @Test
    void deletesAndNotFoundAnswers() {
        assertLinearizable(
                ok(1, Request.delete(K), 0, 1, ABSENT),
                ok(1, put("a"), 2, 3, written(1)),
                ok(2, Request.delete(K), 4, 8, deleted(1)),
                ok(3, Request.delete(K), 5, 7, ABSENT),       // after the other delete
                ok(1, read(Consistency.LINEARIZABLE), 9, 10, ABSENT),
                ok(2, Request.casDelete(K, 0), 11, 12, ABSENT),
                ok(3, put("b"), 13, 14, written(1)));
    }

    @Test
    void aCommittedReadMayBeStaleButNotInvented() {
        assertLinearizable(
                ok(1, put("a"), 0, 1, written(1), 10),
                ok(1, put("b"), 2, 3, written(2), 11),
                ok(2, read(Consistency.COMMITTED), 20, 21, present("a", 1)),
                ok(2, read(Consistency.COMMITTED), 22, 23, ABSENT),            // as every key starts
                ok(3, Request.readMinSeq(K, 10), 24, 25, present("a", 1)),     // at least as new as 10
                ok(3, Request.readMinSeq(K, 11), 26, 27, present("b", 2)));
    }

    @Test
    void aMinSeqReadMayReturnTheValueItNamedThoughAnotherReplacedItBeforeItsAnswer() {
        // b replaced a before a's answer reached its client: a read at a's position may return a,
        // so the bound is an order (after a), not a's response time (after b then)
        assertLinearizable(
                ok(1, put("a"), 0, 10, written(1), 5),
                ok(2, put("b"), 2, 4, written(2), 6),
                ok(1, Request.readMinSeq(K, 5), 11, 12, present("a", 1)));
    }

    @Test
    void aLongSequentialHistoryIsCheckedWithoutRecursion() {
        List<Operation> ops = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            ops.add(ok(i % 3, put("v" + i), 2 * i, 2 * i + 1, written(i + 1)));
        }
        assertInstanceOf(Verdict.Linearizable.class, checker.check(K, ops));
    }

    // ---- the seeded anomalies ---------------------------------------------------------------

    @Test
    void aStaleLinearizableReadIsAViolation() {
        Operation stale = ok(3, read(Consistency.LINEARIZABLE), 4, 5, present("a", 1));
        Verdict.Violation v = assertViolation(
                ok(1, put("a"), 0, 1, written(1)),
                ok(2, put("b"), 2, 3, written(2)),
                stale);
        assertEquals(List.of(stale), v.unplaceable());
        assertTrue(v.describe().contains("c3 READ linearizable -> present \"a\"@1 [4.000, 5.000] ms"), v.describe());
        assertTrue(v.describe().contains("which c2 PUT \"b\" -> written v2 [2.000, 3.000] ms replaced"), v.describe());
        // the same answer to a default read is only stale
        assertLinearizable(
                ok(1, put("a"), 0, 1, written(1)),
                ok(2, put("b"), 2, 3, written(2)),
                ok(3, read(Consistency.COMMITTED), 4, 5, present("a", 1)));
    }

    @Test
    void aStaleReadThatOnlyTheVersionsExposeIsFoundByTheSearch() {
        // a's answer came last, but b wrote v2 over it, and b was answered before the read was sent
        Operation stale = ok(3, read(Consistency.LINEARIZABLE), 5, 6, present("a", 1));
        Verdict.Violation v = assertViolation(
                ok(1, put("a"), 0, 10, written(1)),
                ok(2, put("b"), 2, 4, written(2)),
                stale);
        assertTrue(v.describe().contains("c2 PUT \"b\" -> written v2 [2.000, 4.000] ms\n      it would replace \"a\"@1,"
                + " which c3 READ linearizable -> present \"a\"@1 [5.000, 6.000] ms returned"), v.describe());
    }

    @Test
    void aLostWriteIsAViolation() {
        assertViolation(
                ok(1, put("a"), 0, 1, written(1)),
                ok(2, put("b"), 2, 3, written(2)),         // acknowledged, then lost
                ok(3, read(Consistency.LINEARIZABLE), 20, 21, present("a", 1)),
                ok(1, put("c"), 22, 23, written(2)),
                ok(3, read(Consistency.LINEARIZABLE), 24, 25, present("c", 2)));
    }

    @Test
    void aDirtyReadIsAViolation() {
        Operation dirty = ok(3, read(Consistency.COMMITTED), 4, 5, present("x", 2));
        Operation[] rest = {
                ok(1, put("a"), 0, 1, written(1)),
                unknown(2, put("x"), 2, 3),                // never committed: v2 went to y
                ok(1, put("y"), 6, 7, written(2)),
                ok(3, read(Consistency.LINEARIZABLE), 8, 9, present("y", 2))};
        assertLinearizable(rest);
        List<Operation> all = new ArrayList<>(Arrays.asList(rest));
        all.add(dirty);
        assertInstanceOf(Verdict.Violation.class, checker.check(K, all));
    }

    @Test
    void aReadOfAValueNoWriteProducedIsAViolation() {
        Verdict.Violation v = assertViolation(
                ok(1, put("a"), 0, 1, written(1)),
                ok(2, read(Consistency.COMMITTED), 2, 3, present("ghost", 1)));
        assertTrue(v.describe().contains("\"ghost\", which no write produced"), v.describe());
        Verdict.Violation failed = assertViolation(
                failed(1, put("a"), 0, 1),
                ok(2, read(Consistency.COMMITTED), 2, 3, present("a", 1)));
        assertTrue(failed.describe().contains("did not apply"), failed.describe());
    }

    @Test
    void aReadFromTheFutureIsAViolation() {
        Verdict.Violation v = assertViolation(
                ok(2, read(Consistency.COMMITTED), 0, 1, present("a", 1)),
                ok(1, put("a"), 2, 3, written(1)));
        assertTrue(v.describe().contains("sent only after this read was answered"), v.describe());
    }

    @Test
    void aLostCompareAndSetIsAViolation() {
        assertViolation(
                ok(1, put("a"), 0, 1, written(1)),
                ok(2, casPut("b", 1), 2, 5, written(2)),
                ok(3, casPut("c", 1), 3, 6, written(2)));
    }

    @Test
    void aMinSeqReadOlderThanTheWriteItNamedIsAViolation() {
        Operation older = ok(3, Request.readMinSeq(K, 11), 4, 5, present("a", 1));
        Verdict.Violation v = assertViolation(
                ok(1, put("a"), 0, 1, written(1), 10),
                ok(2, put("b"), 2, 3, written(2), 11),
                older);
        assertEquals(List.of(older), v.unplaceable());
        // a default read may be that stale, unless it says it reflects position 11
        assertLinearizable(
                ok(1, put("a"), 0, 1, written(1), 10),
                ok(2, put("b"), 2, 3, written(2), 11),
                ok(3, read(Consistency.COMMITTED), 4, 5, present("a", 1), 10));
        assertViolation(
                ok(1, put("a"), 0, 1, written(1), 10),
                ok(2, put("b"), 2, 3, written(2), 11),
                ok(3, read(Consistency.COMMITTED), 4, 5, present("a", 1), 11));
        // nor may it reflect a position taken by a write sent after it was answered
        Verdict.Violation early = assertViolation(
                ok(1, put("a"), 0, 1, written(1), 10),
                ok(3, read(Consistency.COMMITTED), 2, 3, present("a", 1), 11),
                ok(2, put("b"), 4, 5, written(2), 11));
        assertTrue(early.describe().contains("it reflects position 11"), early.describe());
    }

    // ---- the budget, and keys checked apart ------------------------------------------------

    @Test
    void aSearchPastItsBudgetIsUndecidedNeverAccepted() {
        List<Operation> history = new SimulatedWorkload(7, 6, List.of(K), 2_000).run();
        assertInstanceOf(Verdict.Linearizable.class, checker.check(K, history));
        Verdict v = new LinearizabilityChecker(50).check(K, history);
        assertInstanceOf(Verdict.Undecided.class, v);
        assertTrue(v.describe().contains("budget of 50"), v.describe());
    }

    @Test
    void eachKeyIsCheckedOnItsOwn() {
        List<Operation> ops = List.of(
                ok(1, put("a"), 0, 1, written(1)),
                ok(2, Request.read("other", Consistency.LINEARIZABLE), 2, 3, ABSENT),
                ok(2, Request.put("other", "o"), 4, 5, written(1)),
                ok(3, Request.read("other", Consistency.LINEARIZABLE), 6, 7, ABSENT)); // lost o
        Report report = checker.check(ops);
        assertInstanceOf(Verdict.Linearizable.class, report.verdict(K));
        assertInstanceOf(Verdict.Violation.class, report.verdict("other"));
        assertEquals(1, report.violations().size());
        assertFalse(report.linearizable(), report::describe);
    }

    // ---- a simulated store: accepted, then spoiled ------------------------------------------

    @Test
    void aSimulatedLinearizableStoreIsAcceptedAndAStaleReadInItIsCaught() {
        List<String> keys = List.of("x", "y");
        List<Operation> history = new SimulatedWorkload(20240611, 8, keys, 8_000).run();
        Map<String, List<Operation>> byKey = History.byKey(history);
        for (String key : keys) { // the history holds what the checker must reason about
            List<Operation> ops = byKey.get(key);
            assertTrue(ops.size() > 3_000, key + ": " + ops.size());
            assertTrue(count(ops, o -> o.outcome() == Outcome.UNKNOWN && o.kind().isWrite()) > 50);
            assertTrue(count(ops, o -> o.result() instanceof Result.Conflict) > 50);
            assertTrue(count(ops, o -> o.result() instanceof Result.Deleted) > 20);
            assertTrue(count(ops, o -> o.request().consistency() == Consistency.MIN_SEQ) > 200);
            assertTrue(count(ops, o -> isUnknownWriteSeen(o, ops)) > 5); // unknown writes that did apply
        }

        Report report = checker.check(history);
        assertTrue(report.linearizable(), report::describe);
        for (String key : keys) { // about one configuration per operation: no search to speak of
            Verdict.Linearizable v = (Verdict.Linearizable) report.verdict(key);
            assertTrue(v.statesExplored() < 2 * v.operations(), v::describe);
        }

        SpoiledRead spoil = spoilALinearizableRead(byKey.get("x"), true);
        Report caught = checker.check(replace(history, spoil));
        assertInstanceOf(Verdict.Linearizable.class, caught.verdict("y"));
        Verdict.Violation v = assertInstanceOf(Verdict.Violation.class, caught.verdict("x"), caught::describe);
        assertEquals(List.of(spoil.stale()), v.unplaceable(), v::describe);
    }

    @Test
    void aStaleReadInASimulatedHistoryIsFoundByTheSearch() {
        List<Operation> history = new SimulatedWorkload(42, 6, List.of(K), 1_500).run();
        assertInstanceOf(Verdict.Linearizable.class, checker.check(K, history));
        // the replaced put overlaps the one that replaced it: only the versions order them
        SpoiledRead spoil = spoilALinearizableRead(history, false);
        List<Operation> spoiled = replace(history, spoil);
        assertNull(KeyTimeline.of(spoiled, 0).contradiction, "no single answer gives it away");
        Verdict v = checker.check(K, spoiled);
        assertInstanceOf(Verdict.Violation.class, v, v::describe);
    }

    // ---- helpers ----------------------------------------------------------------------------

    /**
     * A linearizable read from the second half of {@code ops}, and the same read answering the value
     * of a put that an acknowledged put replaced before the read was sent: a value gone for good.
     * If {@code apart}, the replaced put was answered before the replacing one was sent; if not,
     * they overlap.
     */
    private static SpoiledRead spoilALinearizableRead(List<Operation> ops, boolean apart) {
        for (Operation read : ops.subList(ops.size() / 2, ops.size())) {
            if (read.request().consistency() != Consistency.LINEARIZABLE || read.outcome() != Outcome.OK) {
                continue;
            }
            Operation replacing = null; // the last put answered before the read was sent
            for (Operation w : ops) {
                if (w.result() instanceof Result.Written && w.respondedNanos() < read.invokedNanos()
                        && (replacing == null || w.seq() > replacing.seq())) {
                    replacing = w;
                }
            }
            Operation replaced = null; // the last put before it, answered before it was sent or not
            for (Operation w : ops) {
                if (replacing != null && w.result() instanceof Result.Written && w.seq() < replacing.seq()
                        && (replaced == null || w.seq() > replaced.seq())) {
                    replaced = w;
                }
            }
            if (replaced != null && (replaced.respondedNanos() < replacing.invokedNanos()) == apart) {
                Result stale = present(replaced.request().value(), ((Result.Written) replaced.result()).version());
                return new SpoiledRead(read, new Operation(read.client(), read.request(), read.invokedNanos(),
                        read.respondedNanos(), read.outcome(), stale, read.seq()));
            }
        }
        throw new AssertionError("no linearizable read to spoil");
    }

    /** A read, and the same read with a stale answer. */
    private record SpoiledRead(Operation original, Operation stale) {
    }

    private static List<Operation> replace(List<Operation> history, SpoiledRead spoil) {
        List<Operation> spoiled = new ArrayList<>(history);
        spoiled.set(spoiled.indexOf(spoil.original()), spoil.stale());
        return spoiled;
    }

    private static boolean isUnknownWriteSeen(Operation w, List<Operation> ops) {
        return w.outcome() == Outcome.UNKNOWN && w.kind().writesValue() && ops.stream()
                .anyMatch(r -> r.result() instanceof Result.Present p && p.value().equals(w.request().value()));
    }

    private static long count(List<Operation> ops, java.util.function.Predicate<Operation> which) {
        return ops.stream().filter(which).count();
    }

    private void assertLinearizable(Operation... ops) {
        Verdict v = checker.check(K, List.of(ops));
        assertInstanceOf(Verdict.Linearizable.class, v, v::describe);
    }

    private Verdict.Violation assertViolation(Operation... ops) {
        Verdict v = checker.check(K, List.of(ops));
        return assertInstanceOf(Verdict.Violation.class, v, v::describe);
    }

    private static Request put(String value) {
        return Request.put(K, value);
    }

    private static Request casPut(String value, long expected) {
        return Request.casPut(K, value, expected);
    }

    private static Request read(Consistency consistency) {
        return Request.read(K, consistency);
    }

    static Operation ok(int client, Request request, double fromMs, double toMs, Result result) {
        return ok(client, request, fromMs, toMs, result, -1);
    }

    static Operation ok(int client, Request request, double fromMs, double toMs, Result result, long seq) {
        return new Operation(client, request, nanos(fromMs), nanos(toMs), Outcome.OK, result, seq);
    }

    static Operation unknown(int client, Request request, double fromMs, double toMs) {
        return new Operation(client, request, nanos(fromMs), nanos(toMs), Outcome.UNKNOWN, null, -1);
    }

    static Operation failed(int client, Request request, double fromMs, double toMs) {
        return new Operation(client, request, nanos(fromMs), nanos(toMs), Outcome.FAILED, null, -1);
    }

    private static long nanos(double ms) {
        return Math.round(ms * 1e6);
    }
}

package io.regent.history;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decides whether a history of the key-value store is linearizable, key by key (linearizability
 * is compositional: a history is linearizable if and only if each key's is). Each read is held
 * to exactly what its consistency promises, and a write whose outcome is unknown may or may not
 * have taken effect ({@link KeyTimeline} gives the rules); the search is Wing &amp; Gong's, memoized
 * ({@link WingGongSearch}). A key whose search passes its budget is reported
 * {@link Verdict.Undecided}, never accepted.
 *
 * <pre>{@code
 * Report report = new LinearizabilityChecker().check(history);
 * assertTrue(report.linearizable(), report::describe);
 * }</pre>
 */
public final class LinearizabilityChecker {

    /**
     * Configurations one key's search may enter before it gives up, so that a history the search
     * cannot settle ends as Undecided instead of holding the heap; a linearizable history usually
     * needs about one per operation.
     */
    public static final int DEFAULT_MAX_STATES = 1_000_000;
    private static final int PREFIX_SHOWN = 8;
    private static final int BLOCKED_SHOWN = 12;

    private final int maxStates;

    public LinearizabilityChecker() {
        this(DEFAULT_MAX_STATES);
    }

    /** @param maxStates configurations one key's search may enter before it reports {@link Verdict.Undecided} */
    public LinearizabilityChecker(int maxStates) {
        if (maxStates < 1) {
            throw new IllegalArgumentException("maxStates must be positive: " + maxStates);
        }
        this.maxStates = maxStates;
    }

    /** Checks every key of the history recorded so far. */
    public Report check(History history) {
        return check(history.operations());
    }

    /** Checks every key of {@code operations}; a report's times are in ms after the first invocation. */
    public Report check(Collection<Operation> operations) {
        long origin = origin(operations);
        Map<String, Verdict> verdicts = new TreeMap<>();
        History.byKey(operations).forEach((key, ops) -> verdicts.put(key, check(key, ops, origin)));
        return new Report(verdicts);
    }

    /** Checks one key's operations (all on {@code key}). */
    public Verdict check(String key, List<Operation> operations) {
        return check(key, operations, origin(operations));
    }

    private Verdict check(String key, List<Operation> operations, long origin) {
        for (Operation op : operations) {
            if (!op.key().equals(key)) {
                throw new IllegalArgumentException("an operation on " + Request.quote(op.key()) + " among those on "
                        + Request.quote(key));
            }
        }
        KeyTimeline timeline = KeyTimeline.of(operations, origin);
        String title = "key " + Request.quote(key) + ": ";
        if (timeline.contradiction != null) {
            Operation op = timeline.contradiction.operation();
            return new Verdict.Violation(key, List.of(), List.of(op), title + "not linearizable: an answer no order explains\n  "
                    + op.describe(origin) + "\n    " + timeline.contradiction.why());
        }
        WingGongSearch.Outcome found = new WingGongSearch(timeline, maxStates, origin).run();
        return switch (found.end()) {
            case FOUND -> new Verdict.Linearizable(key, operations.size(), found.states());
            case EXHAUSTED -> new Verdict.Violation(key, operations(found.order()), operations(found.blocked()),
                    title + "not linearizable (" + operations.size() + " operations, " + found.states()
                            + " configurations explored)\n" + whereItFails(timeline, found, origin));
            case OUT_OF_BUDGET -> new Verdict.Undecided(key, operations.size(), found.states(),
                    title + "undecided: the search passed its budget of " + maxStates + " configurations ("
                            + operations.size() + " operations); the furthest it got:\n"
                            + whereItFails(timeline, found, origin));
        };
    }

    private static String whereItFails(KeyTimeline timeline, WingGongSearch.Outcome found, long origin) {
        StringBuilder text = new StringBuilder();
        List<Step> order = found.order();
        text.append("  The longest linearizable prefix places ").append(order.size()).append(" operations");
        if (!order.isEmpty()) {
            int from = Math.max(0, order.size() - PREFIX_SHOWN);
            text.append(from > 0 ? "; the last " + (order.size() - from) : "").append(":\n");
            for (Step s : order.subList(from, order.size())) {
                text.append("    ").append(s.operation().describe(origin)).append('\n');
            }
        } else {
            text.append('\n');
        }
        long state = found.stateAfter();
        text.append("  after which the key ").append(state == Register.ABSENT ? "is absent"
                : "holds " + timeline.register.describe(state, WingGongSearch.lastWrite(order)))
                .append(". None of these can be placed next:\n");
        for (int i = 0; i < Math.min(BLOCKED_SHOWN, found.blocked().size()); i++) {
            text.append("    ").append(found.blocked().get(i).operation().describe(origin)).append("\n      ")
                    .append(found.reasons().get(i)).append('\n');
        }
        if (found.blocked().size() > BLOCKED_SHOWN) {
            text.append("    ... and ").append(found.blocked().size() - BLOCKED_SHOWN).append(" more\n");
        }
        return text.toString().stripTrailing();
    }

    private static List<Operation> operations(List<Step> steps) {
        return steps.stream().map(Step::operation).toList();
    }

    private static long origin(Collection<Operation> operations) {
        return operations.stream().mapToLong(Operation::invokedNanos).min().orElse(0);
    }
}

package io.regent.history;

import java.util.List;

/** Whether one key's history is linearizable, and if not, where it fails. */
public sealed interface Verdict {

    String key();

    /** A readable account, for a test's failure message or a run's report. */
    String describe();

    /** Some order of the key's operations, each within its window, explains every answer. */
    record Linearizable(String key, int operations, int statesExplored) implements Verdict {
        @Override
        public String describe() {
            return "key " + Request.quote(key) + ": linearizable (" + operations + " operations, "
                    + statesExplored + " configurations explored)";
        }
    }

    /**
     * No order explains every answer: {@code prefix} is the longest order the search could place,
     * and {@code unplaceable} the operations that could go next and fit in none.
     */
    record Violation(String key, List<Operation> prefix, List<Operation> unplaceable, String explanation)
            implements Verdict {
        public Violation {
            prefix = List.copyOf(prefix);
            unplaceable = List.copyOf(unplaceable);
        }

        @Override
        public String describe() {
            return explanation;
        }
    }

    /** The search gave up within its budget: the history is neither accepted nor rejected. */
    record Undecided(String key, int operations, int statesExplored, String explanation) implements Verdict {
        @Override
        public String describe() {
            return explanation;
        }
    }
}

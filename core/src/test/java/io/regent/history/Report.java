package io.regent.history;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The verdict on each key of a history, keys in order. */
public record Report(Map<String, Verdict> verdicts) {

    public Report {
        verdicts = Map.copyOf(verdicts);
    }

    /** Whether every key's history is linearizable (none violated, none undecided). */
    public boolean linearizable() {
        return verdicts.values().stream().allMatch(v -> v instanceof Verdict.Linearizable);
    }

    public Verdict verdict(String key) {
        return verdicts.get(key);
    }

    public List<Verdict.Violation> violations() {
        return sorted().stream().filter(v -> v instanceof Verdict.Violation)
                .map(Verdict.Violation.class::cast).toList();
    }

    public List<Verdict.Undecided> undecided() {
        return sorted().stream().filter(v -> v instanceof Verdict.Undecided)
                .map(Verdict.Undecided.class::cast).toList();
    }

    /** One line per linearizable key, the full account of every other. */
    public String describe() {
        return sorted().stream().map(Verdict::describe).collect(Collectors.joining("\n"));
    }

    private List<Verdict> sorted() {
        return verdicts.keySet().stream().sorted().map(verdicts::get).toList();
    }
}

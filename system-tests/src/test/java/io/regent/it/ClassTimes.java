package io.regent.it;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Prints each test class's wall time, in the order the classes ran, when the run ends: where the
 * suite's time goes, for whoever makes it faster next. Registered for the JUnit Platform in
 * META-INF/services, so it runs under failsafe without any annotation on the tests.
 */
public final class ClassTimes implements TestExecutionListener {

    private record Timed(long startedNanos, long tookNanos, String outcome) { }

    private final Map<String, Timed> classes = new LinkedHashMap<>();
    private long runStarted;

    @Override
    public void testPlanExecutionStarted(TestPlan plan) {
        runStarted = System.nanoTime();
    }

    @Override
    public void executionStarted(TestIdentifier id) {
        className(id).ifPresent(c -> classes.put(c, new Timed(System.nanoTime(), -1, "running")));
    }

    private final java.util.Set<String> failed = new java.util.HashSet<>();

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (id.isTest() && result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
            id.getParentIdObject().ifPresent(parent -> failed.add(parent.toString()));
        }
        className(id).ifPresent(c -> {
            Timed started = classes.get(c);
            if (started != null) {
                String outcome = failed.contains(id.getUniqueIdObject().toString()) ? "FAILED"
                        : result.getStatus().name();
                classes.put(c, new Timed(started.startedNanos(), System.nanoTime() - started.startedNanos(), outcome));
            }
        });
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        if (classes.isEmpty()) {
            return;
        }
        StringBuilder table = new StringBuilder("\nTime per test class, in the order they ran:\n");
        classes.forEach((c, t) -> table.append(String.format("  %-28s %7.1f s  %s%n", c.substring(c.lastIndexOf('.') + 1),
                t.tookNanos() / 1e9, t.outcome())));
        table.append(String.format("  %-28s %7.1f s%n", "all", (System.nanoTime() - runStarted) / 1e9));
        System.out.print(table);
    }

    private static java.util.Optional<String> className(TestIdentifier id) {
        return id.getSource().filter(ClassSource.class::isInstance).map(s -> ((ClassSource) s).getClassName());
    }
}

package io.regent.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** How the benchmarks print what they measured: trials, median, p99, max, min; and their scratch space. */
final class Figures {

    private Figures() {
    }

    /** Adds one trial's value of {@code what}. */
    static void add(Map<String, List<Long>> figures, String what, long value) {
        figures.computeIfAbsent(what, k -> new ArrayList<>()).add(value);
    }

    static void print(String title, Map<String, List<Long>> figures) {
        System.out.println(title + ":");
        System.out.printf("  %-44s %7s %7s %7s %7s %7s%n", "", "trials", "median", "p99", "max", "min");
        for (Map.Entry<String, List<Long>> e : figures.entrySet()) {
            List<Long> v = new ArrayList<>(e.getValue());
            Collections.sort(v);
            System.out.printf("  %-44s %7d %7d %7d %7d %7d%n", e.getKey(), v.size(), percentile(v, 0.5),
                    percentile(v, 0.99), v.get(v.size() - 1), v.get(0));
        }
    }

    /** The p-th percentile of sorted values (nearest rank; the median of an even count is the lower one). */
    static <T> T percentile(List<T> sorted, double p) {
        return sorted.get(Math.max(0, (int) Math.ceil(sorted.size() * p) - 1));
    }

    static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (var paths = Files.walk(root)) {
                paths.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}

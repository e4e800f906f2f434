package io.regent.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The CPU time processes have used, every thread's, user and system, from {@code /proc}: read
 * before and after a point, it gives a system's CPU per write, a ratio that does not depend on the
 * machine as throughput does.
 */
final class ProcessCpu {

    /** Linux's clock tick for {@code /proc/PID/stat}: USER_HZ, 100 on every architecture Debian builds. */
    private static final double MILLIS_PER_TICK = 10;

    private ProcessCpu() {
    }

    /** CPU milliseconds used so far by {@code pids} together. */
    static double millis(List<Long> pids) throws IOException {
        long ticks = 0;
        for (long pid : pids) {
            ticks += ticks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        }
        return ticks * MILLIS_PER_TICK;
    }

    /** A thread's kind and the CPU milliseconds it has used so far. */
    record ThreadTime(String kind, double millis) { }

    /**
     * The live threads of {@code pid} by thread id, each with its kind: its name as Linux keeps
     * it (15 characters) with a thread number written {@code #} ({@code C2 CompilerThre},
     * {@code rocksdb:low#}, {@code Thread-# (activ}), so that the JIT, the storage engine's
     * compactions, the collector and request threads show apart.
     */
    static Map<Long, ThreadTime> threads(long pid) throws IOException {
        Map<Long, ThreadTime> threads = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException ended) {
                    continue;
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                threads.put(Long.parseLong(task.getFileName().toString()),
                        new ThreadTime(name.replaceAll("(?<=[-#])[0-9]+|[0-9]+$", "#"), ticks(stat) * MILLIS_PER_TICK));
            }
        }
        return threads;
    }

    /**
     * What each kind of thread spent between two readings, thread by thread: a thread that ended
     * in between takes its time with it, so the kinds need not add up to the process.
     */
    static Map<String, Double> spentByKind(Map<Long, ThreadTime> before, Map<Long, ThreadTime> after) {
        Map<String, Double> spent = new HashMap<>();
        after.forEach((tid, t) -> {
            ThreadTime earlier = before.get(tid);
            spent.merge(t.kind(), t.millis() - (earlier == null ? 0 : earlier.millis()), Double::sum);
        });
        return spent;
    }

    private static long ticks(String stat) {
        // the command name, field 2, is in parentheses and may hold spaces: count from after it
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime and stime, fields 14 and 15
    }
}

package io.regent.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name, field 2, is in parentheses and may hold spaces: count from after it
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime and stime, fields 14 and 15
        }
        return ticks * MILLIS_PER_TICK;
    }
}

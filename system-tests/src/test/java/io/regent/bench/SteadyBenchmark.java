package io.regent.bench;

import io.regent.it.LocalGroup;
import io.regent.it.Users;
import io.regent.it.WarmUps;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.regent.it.LocalGroup.await;

/**
 * Whether writes stay as fast after faults (issue 37): one group, durable writes by wrk straight
 * to the master at 1, 8 and 32 connections, measured warm and fresh, then again on the same group
 * right after rounds of faults under load through HAProxy (kill -9 of the master, its restart
 * once a new master is open), with no warm-up in between: what a group that has just been
 * through a failover gives its clients. Prints both, their ratio, and the CPU per write.
 *
 * <p>{@code mvn -B -q install -DskipTests && mvn -B -q -pl system-tests -Psteady-benchmark test}
 * ({@code -Dregent.bench.seconds=15}, {@code -Dregent.bench.connections=1,8,32},
 * {@code -Dregent.bench.fault-rounds=3}, {@code -Dregent.bench.server-warmup-requests=1}: each
 * server's own warm-up, 2000 reads unless given).
 */
public final class SteadyBenchmark {

    private static final Duration SETTLE = Duration.ofSeconds(240);

    public static void main(String[] args) throws Exception {
        int seconds = Integer.getInteger("regent.bench.seconds", 15);
        int rounds = Integer.getInteger("regent.bench.fault-rounds", 3);
        List<Integer> connections = java.util.Arrays.stream(System.getProperty("regent.bench.connections", "1,8,32")
                .split(",")).map(String::trim).map(Integer::parseInt).toList();
        Path root = Path.of(System.getProperty("regent.bench.dir", "target/bench-group"));
        Figures.deleteTree(root);
        Map<String, String> auth = Map.of("REGENT_BENCH_AUTH", Users.basic(Users.WRITER));
        Map<Integer, WriteBenchmark.Point> fresh;
        Map<Integer, WriteBenchmark.Point> after;
        Map<String, String> env = new java.util.HashMap<>(Map.of("REGENT_DIRECT_ACKS", "true"));
        // e.g. 1: to see what the servers' own warm-up costs the writes after a restart
        String warmUpReads = System.getProperty("regent.bench.server-warmup-requests");
        if (warmUpReads != null) {
            env.put("REGENT_WARMUP_REQUESTS", warmUpReads);
        }
        try (LocalGroup group = new LocalGroup(root, 9280, 61816, env)) {
            group.up();
            // fresh means warm: each server's own warm-up done, then the writers'
            if (!await(SETTLE, new WarmUps(group)::all)) {
                throw new IllegalStateException("the servers did not finish their warm-up");
            }
            int master = master(group);
            Wrk.run(group.url(master), "regent-put.lua", 32, Integer.getInteger("regent.bench.warmup", 120), auth);
            fresh = points(group, master, connections, seconds, auth);
            for (int round = 1; round <= rounds; round++) {
                master = killAndRestartTheMaster(group, master, auth);
                System.out.printf("fault round %d of %d: the master killed, restarted, s%d master now%n", round, rounds,
                        master);
            }
            after = points(group, master, connections, seconds, auth);
        }
        System.out.printf("%nDurable writes on one group, fresh (warmed up) and right after %d kills of the master with "
                + "restarts, wrk straight to the master, 64-byte values, %d s a point%n", rounds, seconds);
        System.out.printf("%11s | %-37s | %-37s | %s%n", "connections", "fresh", "after faults", "after / fresh");
        String sub = String.format("%8s %8s %8s %10s", "writes/s", "p50 ms", "p99 ms", "CPU µs/w");
        System.out.printf("%11s | %s | %s |%n", "", sub, sub);
        for (int c : connections) {
            WriteBenchmark.Point f = fresh.get(c);
            WriteBenchmark.Point a = after.get(c);
            System.out.printf("%11d | %s | %s | %5.2f%n", c, cells(f), cells(a), a.wrk().perSecond() / f.wrk().perSecond());
        }
    }

    /**
     * One round under eight writers through HAProxy: the master killed -9, the group back with a
     * new master, the killed server restarted and caught up. Returns the new master.
     */
    private static int killAndRestartTheMaster(LocalGroup group, int master, Map<String, String> auth)
            throws Exception {
        try (Wrk.Running load = Wrk.start(group.balancerUrl(), "regent-put.lua", 8, 600, auth)) {
            Thread.sleep(5_000);
            group.killNow(master);
            int next = master(group);
            group.start(master);
            if (!await(SETTLE, group::allCaughtUp)) {
                throw new IllegalStateException("s" + master + " did not catch up after its restart");
            }
            Thread.sleep(5_000);
            return next;
        }
    }

    /** The points, each with where its CPU went: each server's and broker's µs per write, printed. */
    private static Map<Integer, WriteBenchmark.Point> points(LocalGroup group, int master, List<Integer> connections,
            int seconds, Map<String, String> auth) throws Exception {
        Map<Integer, WriteBenchmark.Point> points = new LinkedHashMap<>();
        List<Long> pids = group.pids();
        List<String> names = List.of("s1", "s2", "s3", "broker1", "broker2", "broker3");
        for (int c : connections) {
            Map<String, Double> before = new LinkedHashMap<>();
            Map<String, Map<Long, ProcessCpu.ThreadTime>> threadsBefore = new LinkedHashMap<>();
            for (String name : names) {
                before.put(name, ProcessCpu.millis(List.of(group.pid(name))));
                if (name.startsWith("s")) {
                    threadsBefore.put(name, ProcessCpu.threads(group.pid(name)));
                }
            }
            WriteBenchmark.Point p = WriteBenchmark.point(pids, group.url(master), "regent-put.lua", c, seconds, auth);
            points.put(c, p);
            long writes = Math.max(1, p.wrk().answered());
            StringBuilder where = new StringBuilder();
            for (String name : names) {
                double used = ProcessCpu.millis(List.of(group.pid(name))) - before.get(name);
                where.append(String.format(" %s%s %.0f", name, name.equals("s" + master) ? " (master)" : "",
                        used * 1_000 / writes));
            }
            System.out.printf("%d connections: %.0f writes/s; CPU µs per write by process:%s%n", c,
                    p.wrk().perSecond(), where);
            for (Map.Entry<String, Map<Long, ProcessCpu.ThreadTime>> server : threadsBefore.entrySet()) {
                System.out.printf("  %s by kind of thread (live at the end), µs per write:%s%n", server.getKey(),
                        busiest(ProcessCpu.spentByKind(server.getValue(), ProcessCpu.threads(group.pid(server.getKey()))),
                                writes));
            }
        }
        return points;
    }

    /** The five kinds of thread that spent most. */
    private static String busiest(Map<String, Double> spent, long writes) {
        StringBuilder top = new StringBuilder();
        spent.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(5)
                .forEach(e -> top.append(String.format(" '%s' %.0f", e.getKey(), e.getValue() * 1_000 / writes)));
        return top.toString();
    }

    private static int master(LocalGroup group) {
        int[] master = new int[1];
        if (!await(SETTLE, () -> (master[0] = group.soleReady(0)) > 0)) {
            throw new IllegalStateException("no master");
        }
        return master[0];
    }

    private static String cells(WriteBenchmark.Point p) {
        return String.format("%8.0f %8.2f %8.2f %10.0f", p.wrk().perSecond(), p.wrk().p50Millis(), p.wrk().p99Millis(),
                p.cpuMicrosPerWrite());
    }
}

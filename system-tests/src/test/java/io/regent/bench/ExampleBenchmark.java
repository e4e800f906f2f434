package io.regent.bench;

import io.regent.it.LocalGroup;
import io.regent.it.Users;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.regent.it.LocalGroup.await;

/**
 * What the platform API costs (issue 34): the example's ticket issuer (a replicated state machine
 * of the application's own, proposed through {@code Replicated} from a JAX-RS resource of its
 * WAR) beside the key-value store's writes, same group, same run, straight to the master, at 1,
 * 8 and 32 connections, points interleaved, each repeated {@code regent.bench.rounds} times.
 *
 * <p>{@code mvn -B -q install -DskipTests && mvn -B -q -pl system-tests -Pexample-benchmark test}
 * ({@code -Dregent.bench.seconds=15}, {@code -Dregent.bench.rounds=2}, {@code -Dregent.bench.warmup=90}).
 */
public final class ExampleBenchmark {

    /** A point, and whether the mastership changed during it: then wrk counted the old master's 307s. */
    private record Point(Wrk.Result result, boolean elected) {
        String mark() {
            return elected ? " ELECTION: void" : "";
        }
    }

    private static Point point(LocalGroup group, String url, String script, int connections, int seconds,
            Map<String, String> auth) throws Exception {
        String before = group.newestEpoch();
        Wrk.Result r = Wrk.run(url, script, connections, seconds, auth);
        return new Point(r, !java.util.Objects.equals(before, group.newestEpoch()));
    }

    public static void main(String[] args) throws Exception {
        int seconds = Integer.getInteger("regent.bench.seconds", 15);
        int rounds = Integer.getInteger("regent.bench.rounds", 2);
        int[] connections = {1, 8, 32};
        Path root = Path.of(System.getProperty("regent.bench.dir", "target/example-group"));
        Figures.deleteTree(root);
        try (LocalGroup group = new LocalGroup(root, 9280, 61816, Map.of()).withExample()) {
            group.up();
            int[] master = new int[1];
            if (!await(Duration.ofSeconds(120), () -> (master[0] = group.soleReady(0)) > 0 && group.allCaughtUp())) {
                throw new IllegalStateException("no master");
            }
            String url = group.url(master[0]);
            Map<String, String> auth = Map.of("REGENT_BENCH_AUTH", Users.basic(Users.WRITER));
            // a cold Liberty needs load before the JIT has compiled both paths
            int warmup = Integer.getInteger("regent.bench.warmup", 90);
            Wrk.run(url, "regent-put.lua", 32, warmup / 2, auth);
            Wrk.run(url, "example-ticket.lua", 32, warmup / 2, auth);
            Map<Integer, List<Point>> kv = new LinkedHashMap<>();
            Map<Integer, List<Point>> tickets = new LinkedHashMap<>();
            for (int r = 0; r < rounds; r++) {
                for (int c : connections) {
                    kv.computeIfAbsent(c, k -> new ArrayList<>()).add(point(group, url, "regent-put.lua", c, seconds, auth));
                    tickets.computeIfAbsent(c, k -> new ArrayList<>()).add(point(group, url, "example-ticket.lua", c,
                            seconds, auth));
                }
            }
            System.out.printf("%nproposals/s of the example's ticket machine beside key-value writes/s, %d s a point, "
                    + "%d rounds, straight to the master (%d cores)%n", seconds, rounds,
                    Runtime.getRuntime().availableProcessors());
            System.out.printf("%11s | %-34s | %-34s | %s%n", "connections", "tickets/s (p50, p99 ms)",
                    "key-value writes/s (p50, p99 ms)", "ratio");
            for (int c : connections) {
                for (int r = 0; r < rounds; r++) {
                    Wrk.Result t = tickets.get(c).get(r).result();
                    Wrk.Result k = kv.get(c).get(r).result();
                    System.out.printf("%11d | %8.0f (%6.2f, %6.1f), %3d non-2xx%s | %8.0f (%6.2f, %6.1f), %3d non-2xx%s | %.2f%n",
                            c, t.perSecond(), t.p50Millis(), t.p99Millis(), t.errors(), tickets.get(c).get(r).mark(),
                            k.perSecond(), k.p50Millis(), k.p99Millis(), k.errors(), kv.get(c).get(r).mark(),
                            t.perSecond() / k.perSecond());
                }
            }
        }
    }
}

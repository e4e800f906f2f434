package io.regent.bench;

import io.regent.it.LocalGroup;
import io.regent.it.Users;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.regent.it.LocalGroup.await;

/**
 * Reads at each consistency, side by side in one run with etcd 3.4 (three members on loopback):
 * Regent's default and linearizable reads from the master, etcd's serializable and linearizable
 * range from the leader, all driven by wrk over 1,000 keys that exist, at 1, 8 and 32 connections.
 * A linearizable read costs Regent a round of heartbeats, etcd a ReadIndex round: neither writes.
 *
 * <p>{@code mvn -B -q install -DskipTests && mvn -B -q -pl system-tests -Pread-benchmark test}
 * ({@code -Dregent.bench.seconds=15}, {@code -Dregent.bench.connections=1,8,32}).
 */
public final class ReadBenchmark {

    private static final Duration SETTLE = Duration.ofSeconds(120);
    private static final int KEYS = 1_000;

    public static void main(String[] args) throws Exception {
        int seconds = Integer.getInteger("regent.bench.seconds", 15);
        List<Integer> connections = java.util.Arrays.stream(System.getProperty("regent.bench.connections", "1,8,32")
                .split(",")).map(String::trim).map(Integer::parseInt).toList();
        Path root = Path.of(System.getProperty("regent.bench.dir", "target/bench-group"));
        Map<String, Map<Integer, Wrk.Result>> rows = new LinkedHashMap<>();
        try (EtcdCluster cluster = new EtcdCluster(root.resolveSibling("bench-etcd"))) {
            String leader = cluster.url(cluster.leader());
            fillEtcd(leader);
            rows.put("etcd serializable", points(leader, "etcd-kv.lua", connections, seconds,
                    Map.of("ETCD_BENCH_OP", "range", "ETCD_BENCH_SERIALIZABLE", "true")));
            rows.put("etcd linearizable", points(leader, "etcd-kv.lua", connections, seconds,
                    Map.of("ETCD_BENCH_OP", "range")));
        }
        Figures.deleteTree(root);
        try (LocalGroup group = new LocalGroup(root, 9280, 61816, Map.of())) {
            group.up();
            int[] master = new int[1];
            if (!await(SETTLE, () -> (master[0] = group.soleReady(0)) > 0 && group.allCaughtUp())) {
                throw new IllegalStateException("no master");
            }
            String url = group.url(master[0]);
            fillRegent(url);
            Map<String, String> auth = Map.of("REGENT_BENCH_AUTH", Users.basic(Users.READER));
            // warm-up: a cold Liberty needs a while under load before the JIT has compiled the read path
            Wrk.run(url, "regent-get.lua", 32, Integer.getInteger("regent.bench.warmup", 60),
                    Map.of("REGENT_BENCH_AUTH", Users.basic(Users.READER), "REGENT_BENCH_QUERY", "?consistency=linearizable"));
            long logBefore = appliedSeq(url);
            rows.put("Regent default", points(url, "regent-get.lua", connections, seconds, auth));
            Map<String, String> linearizable = new LinkedHashMap<>(auth);
            linearizable.put("REGENT_BENCH_QUERY", "?consistency=linearizable");
            rows.put("Regent linearizable", points(url, "regent-get.lua", connections, seconds, linearizable));
            System.out.printf("%nentries the master's log gained while it answered every read above: %d%n",
                    appliedSeq(url) - logBefore);
        }
        System.out.printf("%nReads of %,d existing keys, 3 servers or members on one %d-core machine, wrk, %d s a point%n",
                KEYS, Runtime.getRuntime().availableProcessors(), seconds);
        System.out.printf("%-22s %11s %10s %10s %10s %8s%n", "", "connections", "reads/s", "p50 ms", "p99 ms", "non-2xx");
        rows.forEach((name, points) -> points.forEach((c, r) -> System.out.printf("%-22s %11d %10.0f %10.2f %10.2f %8d%n",
                name, c, r.perSecond(), r.p50Millis(), r.p99Millis(), r.errors())));
    }

    private static Map<Integer, Wrk.Result> points(String url, String script, List<Integer> connections, int seconds,
            Map<String, String> env) throws Exception {
        Map<Integer, Wrk.Result> results = new LinkedHashMap<>();
        for (int c : connections) {
            results.put(c, Wrk.run(url, script, c, seconds, env));
        }
        return results;
    }

    private static void fillEtcd(String leader) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Base64.Encoder b64 = Base64.getEncoder();
        for (int i = 0; i < KEYS; i++) {
            String body = "{\"key\":\"" + b64.encodeToString(("bench-read-" + i).getBytes(StandardCharsets.UTF_8))
                    + "\",\"value\":\"" + b64.encodeToString("v".repeat(64).getBytes(StandardCharsets.UTF_8)) + "\"}";
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(leader + "/v3/kv/put"))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("etcd put answered " + r.statusCode() + ": " + r.body());
            }
        }
    }

    private static void fillRegent(String master) {
        for (int i = 0; i < KEYS; i++) {
            HttpResponse<String> r = LocalGroup.send(HttpRequest.newBuilder(URI.create(master + "/api/kv/bench-read-" + i))
                    .header("Authorization", Users.basic(Users.WRITER)).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"value\":\"" + "v".repeat(64) + "\"}")));
            if (r == null || r.statusCode() / 100 != 2) {
                throw new IllegalStateException("a fill write failed: " + (r == null ? "no answer" : r.body()));
            }
        }
    }

    private static long appliedSeq(String url) {
        return LocalGroup.json(LocalGroup.get(url + "/api/replication").body()).getJsonNumber("appliedSeq").longValue();
    }
}

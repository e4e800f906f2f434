package io.regent.bench;

import io.regent.it.LocalGroup;
import io.regent.it.Users;

import jakarta.json.JsonObject;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.regent.it.LocalGroup.await;

/**
 * Replicated write throughput and latency, side by side in one run with the system a user would
 * pick instead: etcd 3.4, three members on loopback, default settings. Both are driven by wrk
 * (not by a client of ours that could be the bottleneck) with 64-byte values and distinct keys,
 * straight to the master (etcd's leader), at 1, 8 and 32 connections. Regent runs twice: durable
 * (fsync, the default) and with {@code regent.storage.sync=none}. It prints each point and the
 * ratio to etcd.
 *
 * <p>{@code mvn -B -q install -DskipTests && mvn -B -q -pl system-tests -Pwrite-benchmark test}
 * ({@code -Dregent.bench.seconds=15}, {@code -Dregent.bench.connections=1,8,32}).
 */
public final class WriteBenchmark {

    private static final Duration SETTLE = Duration.ofSeconds(120);

    public static void main(String[] args) throws Exception {
        int seconds = Integer.getInteger("regent.bench.seconds", 15);
        List<Integer> connections = java.util.Arrays.stream(System.getProperty("regent.bench.connections", "1,8,32")
                .split(",")).map(String::trim).map(Integer::parseInt).toList();
        Path root = Path.of(System.getProperty("regent.bench.dir", "target/bench-group"));
        Map<Integer, Wrk.Result> etcd = new LinkedHashMap<>();
        try (EtcdCluster cluster = new EtcdCluster(root.resolveSibling("bench-etcd"))) {
            String leader = EtcdCluster.clientUrl(cluster.leader());
            Wrk.run(leader, "etcd-kv.lua", 8, 3, Map.of()); // warm-up
            for (int c : connections) {
                etcd.put(c, Wrk.run(leader, "etcd-kv.lua", c, seconds, Map.of()));
            }
        }
        Map<Integer, Wrk.Result> durable = regent(root, seconds, connections, "fsync");
        Map<Integer, Wrk.Result> unsynced = regent(root, seconds, connections, "none");
        System.out.printf("%nReplicated writes, 3 servers on one 2-core machine, wrk, 64-byte values, distinct keys, %d s a point%n",
                seconds);
        System.out.printf("%11s | %-31s | %-31s | %-31s | %5s %5s%n", "connections", "Regent (fsync)",
                "Regent (storage.sync=none)", "etcd 3.4 (fsync)", "ratio", "none");
        System.out.printf("%11s | %9s %10s %10s | %9s %10s %10s | %9s %10s %10s | %5s %5s%n", "", "writes/s", "p50 ms",
                "p99 ms", "writes/s", "p50 ms", "p99 ms", "writes/s", "p50 ms", "p99 ms", "", "");
        for (int c : connections) {
            Wrk.Result r = durable.get(c);
            Wrk.Result n = unsynced.get(c);
            Wrk.Result e = etcd.get(c);
            System.out.printf("%11d | %9.0f %10.2f %10.2f | %9.0f %10.2f %10.2f | %9.0f %10.2f %10.2f | %5.2f %5.2f%n", c,
                    r.perSecond(), r.p50Millis(), r.p99Millis(), n.perSecond(), n.p50Millis(), n.p99Millis(),
                    e.perSecond(), e.p50Millis(), e.p99Millis(), r.perSecond() / e.perSecond(), n.perSecond() / e.perSecond());
            if (r.errors() + n.errors() + e.errors() > 0) {
                System.out.printf("%11s   answers other than 2xx: Regent %d, Regent (none) %d, etcd %d%n", "", r.errors(),
                        n.errors(), e.errors());
            }
        }
    }

    private static Map<Integer, Wrk.Result> regent(Path root, int seconds, List<Integer> connections, String sync)
            throws Exception {
        Map<Integer, Wrk.Result> results = new LinkedHashMap<>();
        Figures.deleteTree(root);
        // acknowledgements straight to the master (opt-in, mutual TLS) unless -Dregent.bench.direct-acks=false
        String direct = System.getProperty("regent.bench.direct-acks", "true");
        try (LocalGroup group = new LocalGroup(root, 9280, 61816, Map.of("REGENT_STORAGE_SYNC", sync,
                "REGENT_DIRECT_ACKS", direct))) {
            group.up();
            int[] master = new int[1];
            if (!await(SETTLE, () -> (master[0] = group.soleReady(0)) > 0 && group.allCaughtUp())) {
                throw new IllegalStateException("no master");
            }
            String url = group.url(master[0]);
            Map<String, String> auth = Map.of("REGENT_BENCH_AUTH", Users.basic(Users.WRITER));
            // warm-up: a cold Liberty needs minutes of load before the JIT has compiled the write path
            Wrk.run(url, "regent-put.lua", 32, Integer.getInteger("regent.bench.warmup", 120), auth);
            for (int c : connections) {
                results.put(c, Wrk.run(url, "regent-put.lua", c, seconds, auth));
                if (c == 1) {
                    budget(group, master[0], results.get(c), sync);
                }
            }
        }
        return results;
    }

    /**
     * Where a write's time goes at one connection, hop by hop (medians over the run just ended):
     * what the servers measure of themselves, and one round trip through the broker timed apart.
     * A sum of medians, not the median of a sum: the rows add up to about what the client sees.
     */
    private static void budget(LocalGroup group, int master, Wrk.Result client, String sync) throws Exception {
        int backup = master % LocalGroup.SIZE + 1;
        JsonObject commit = replication(group, master).getJsonObject("commitMicros");
        JsonObject masterHops = group.status(master).getJsonObject("hops");
        JsonObject backupHops = group.status(backup).getJsonObject("hops");
        long fsync = Math.max(0, replication(group, backup).getJsonObject("storage").getJsonObject("syncMicros")
                .getJsonNumber("p50").longValue());
        long broker = BrokerRoundTrip.medianMicros(group, 1_000);
        long committed = commit.getJsonNumber("p50").longValue();
        long seen = Math.round(client.p50Millis() * 1_000);
        long sent = p50(masterHops, "streamQueueMicros") + p50(masterHops, "streamSendMicros");
        // with acknowledgements straight to the master (DESIGN.md §4.4) a write crosses the broker once
        boolean direct = backupHops.getJsonObject("directSendMicros").getJsonNumber("samples").longValue() > 0;
        long acked = direct ? p50(backupHops, "directSendMicros")
                : p50(backupHops, "streamQueueMicros") + p50(backupHops, "streamSendMicros");
        long crossing = direct ? broker / 2 : broker;
        System.out.printf("%nHop budget of one write, storage.sync=%s, 1 connection (medians, µs):%n", sync);
        row("the client sees (wrk p50)", seen);
        row("  TLS, HTTP, authentication, JAX-RS on the master", seen - committed);
        row("  from sequencing the write to its commit", committed);
        row("    the master queues and sends the write's frame", sent);
        row(direct ? "    the broker, one way (half a round trip timed apart)" : "    the broker, there and back (timed apart)",
                crossing);
        row("    fsync on the backup (group commit)", fsync);
        row(direct ? "    the backup sends its acknowledgement to the master" : "    the backup queues and sends its acknowledgement",
                acked);
        row("    the rest: apply, thread hand-offs, the ack on the master", committed - sent - crossing - fsync - acked);
    }

    private static JsonObject replication(LocalGroup group, int i) {
        return LocalGroup.json(LocalGroup.get(group.url(i) + "/api/replication").body());
    }

    private static long p50(JsonObject hops, String name) {
        return Math.max(0, hops.getJsonObject(name).getJsonNumber("p50").longValue());
    }

    private static void row(String what, long micros) {
        System.out.printf("  %-62s %6d%n", what, micros);
    }
}

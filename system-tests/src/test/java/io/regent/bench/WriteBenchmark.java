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
 * Replicated write throughput, latency and CPU per write, side by side in one run with the system a
 * user would pick instead: etcd 3.4, three members on loopback, default settings, once as it comes
 * (plaintext, no users) and once secure like Regent (TLS for clients and between members, a user
 * with a token). All are driven by wrk (not by a client of ours that could be the bottleneck) with
 * 64-byte values and distinct keys, straight to the master (etcd's leader), at 1, 8 and 32
 * connections. Regent runs twice: durable (fsync, the default) and with
 * {@code regent.storage.sync=none}. It prints each point, the ratios to etcd, and the CPU time
 * every process of each system used per acknowledged write (Regent's servers and brokers, etcd's
 * members), read from {@code /proc} around each point; then the durable group again with
 * {@value #TXN_WRITES} puts per transaction, what a client that batches gets.
 *
 * <p>{@code mvn -B -q install -DskipTests && mvn -B -q -pl system-tests -Pwrite-benchmark test}
 * ({@code -Dregent.bench.seconds=15}, {@code -Dregent.bench.connections=1,8,32}).
 */
public final class WriteBenchmark {

    private static final Duration SETTLE = Duration.ofSeconds(120);
    /** Puts per transaction in the batched points. */
    private static final int TXN_WRITES = 10;

    /** One point: what wrk measured, and the CPU the system used per write answered. */
    record Point(Wrk.Result wrk, double cpuMicrosPerWrite) { }

    public static void main(String[] args) throws Exception {
        int seconds = Integer.getInteger("regent.bench.seconds", 15);
        List<Integer> connections = java.util.Arrays.stream(System.getProperty("regent.bench.connections", "1,8,32")
                .split(",")).map(String::trim).map(Integer::parseInt).toList();
        Path root = Path.of(System.getProperty("regent.bench.dir", "target/bench-group"));
        Map<Integer, Point> etcd;
        try (EtcdCluster cluster = new EtcdCluster(root.resolveSibling("bench-etcd"))) {
            etcd = etcd(cluster, seconds, connections);
        }
        Map<Integer, Point> secureEtcd;
        try (EtcdCluster cluster = EtcdCluster.secure(root.resolveSibling("bench-etcd"))) {
            secureEtcd = etcd(cluster, seconds, connections);
        }
        Map<Integer, Point> batched = new LinkedHashMap<>();
        Map<Integer, Point> durable = regent(root, seconds, connections, "fsync", batched);
        Map<Integer, Point> unsynced = regent(root, seconds, connections, "none", new LinkedHashMap<>());
        System.out.printf("%nReplicated writes, 3 servers or members on one 2-core machine, wrk, 64-byte values, distinct keys, "
                + "%d s a point; Regent with TLS and users; ratios: Regent (fsync) to etcd%n", seconds);
        System.out.printf("%11s | %-28s | %-28s | %-28s | %-28s | %6s %6s%n", "connections", "Regent (fsync)",
                "etcd 3.4, TLS and auth", "etcd 3.4, plaintext", "Regent (storage.sync=none)", "secure", "plain");
        String sub = String.format("%8s %9s %9s", "writes/s", "p50 ms", "p99 ms");
        System.out.printf("%11s | %s | %s | %s | %s |%n", "", sub, sub, sub, sub);
        for (int c : connections) {
            Wrk.Result r = durable.get(c).wrk();
            Wrk.Result t = secureEtcd.get(c).wrk();
            Wrk.Result e = etcd.get(c).wrk();
            Wrk.Result n = unsynced.get(c).wrk();
            System.out.printf("%11d | %s | %s | %s | %s | %6.2f %6.2f%n", c, cells(r), cells(t), cells(e), cells(n),
                    r.perSecond() / t.perSecond(), r.perSecond() / e.perSecond());
            if (r.errors() + t.errors() + e.errors() + n.errors() > 0) {
                System.out.printf("%11s   answers other than 2xx: Regent %d, etcd secure %d, etcd %d, Regent (none) %d%n",
                        "", r.errors(), t.errors(), e.errors(), n.errors());
            }
        }
        System.out.printf("%nRegent (fsync), %d puts per transaction (POST /api/kv/txn), the same group right after:%n",
                TXN_WRITES);
        System.out.printf("%11s | %12s %9s %9s | %14s | %s%n", "connections", "writes/s", "p50 ms", "p99 ms",
                "CPU per write", "writes/s to single puts");
        for (int c : connections) {
            Point t = batched.get(c);
            System.out.printf("%11d | %12.0f %9.2f %9.2f | %11.0f µs | %5.2f%n", c, t.wrk().perSecond() * TXN_WRITES,
                    t.wrk().p50Millis(), t.wrk().p99Millis(), t.cpuMicrosPerWrite() / TXN_WRITES,
                    t.wrk().perSecond() * TXN_WRITES / durable.get(c).wrk().perSecond());
        }
        System.out.printf("%nCPU per acknowledged write, every process of each system (µs); ratios: Regent (fsync) to etcd%n");
        System.out.printf("%11s | %14s | %14s | %14s | %14s | %6s %6s%n", "connections", "Regent (fsync)",
                "etcd secure", "etcd plaintext", "Regent (none)", "secure", "plain");
        for (int c : connections) {
            double r = durable.get(c).cpuMicrosPerWrite();
            double t = secureEtcd.get(c).cpuMicrosPerWrite();
            double e = etcd.get(c).cpuMicrosPerWrite();
            System.out.printf("%11d | %14.0f | %14.0f | %14.0f | %14.0f | %6.2f %6.2f%n", c, r, t, e,
                    unsynced.get(c).cpuMicrosPerWrite(), r / t, r / e);
        }
    }

    private static String cells(Wrk.Result r) {
        return String.format("%8.0f %9.2f %9.2f", r.perSecond(), r.p50Millis(), r.p99Millis());
    }

    private static Map<Integer, Point> etcd(EtcdCluster cluster, int seconds, List<Integer> connections)
            throws Exception {
        String leader = cluster.url(cluster.leader());
        Wrk.run(leader, "etcd-kv.lua", 8, 3, token(cluster)); // warm-up
        Map<Integer, Point> points = new LinkedHashMap<>();
        for (int c : connections) {
            points.put(c, point(cluster.pids(), leader, "etcd-kv.lua", c, seconds, token(cluster)));
        }
        return points;
    }

    /** A fresh token for each wrk run, as each client logs in; none without authentication. */
    private static Map<String, String> token(EtcdCluster cluster) throws Exception {
        String token = cluster.token();
        return token == null ? Map.of() : Map.of("ETCD_BENCH_TOKEN", token);
    }

    /** One wrk point, with the CPU every process of {@code pids} used per write answered. */
    static Point point(List<Long> pids, String url, String script, int connections, int seconds,
            Map<String, String> env) throws Exception {
        double before = ProcessCpu.millis(pids);
        Wrk.Result r = Wrk.run(url, script, connections, seconds, env);
        double used = ProcessCpu.millis(pids) - before;
        return new Point(r, r.answered() == 0 ? Double.NaN : used * 1_000 / r.answered());
    }

    /**
     * @param batched where to put the same points with {@value #TXN_WRITES} puts per transaction,
     *                measured after the single puts on the same group
     */
    private static Map<Integer, Point> regent(Path root, int seconds, List<Integer> connections, String sync,
            Map<Integer, Point> batched) throws Exception {
        Map<Integer, Point> results = new LinkedHashMap<>();
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
            // servers and brokers: straight to the master, no load balancer runs
            List<Long> pids = group.pids();
            for (int c : connections) {
                results.put(c, point(pids, url, "regent-put.lua", c, seconds, auth));
                if (c == 1) {
                    budget(group, master[0], results.get(c).wrk(), sync);
                }
            }
            if (sync.equals("fsync")) {
                Map<String, String> txn = Map.of("REGENT_BENCH_AUTH", Users.basic(Users.WRITER),
                        "REGENT_BENCH_TXN_WRITES", Integer.toString(TXN_WRITES));
                for (int c : connections) {
                    batched.put(c, point(pids, url, "regent-txn.lua", c, seconds, txn));
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

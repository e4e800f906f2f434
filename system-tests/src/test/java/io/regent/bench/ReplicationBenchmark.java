package io.regent.bench;

import io.regent.it.LocalGroup;
import io.regent.load.StoreReader;
import io.regent.load.Writer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.regent.it.LocalGroup.await;

/**
 * Replicated writes on real servers. Part 1: write throughput and latency at 1, 8 and 32
 * concurrent clients against the master of a 3-server group, side by side with one server and
 * nothing to replicate to. Part 2: kill -9 of the master, again and again, under a load of 8
 * clients through HAProxy; the killed server is restarted and catches up before the next kill
 * (the clients wait during that restart, and write without pause across each kill).
 * It counts acknowledged writes missing on the final master (goal 0) and the client-visible
 * write outage of each failover.
 *
 * <p>{@code mvn -B -q install -DskipTests && mvn -B -q -pl system-tests -Preplication-benchmark test}
 * ({@code -Dregent.bench.seconds=15}, {@code -Dregent.bench.cycles=50},
 * {@code -Dregent.bench.only=throughput|failover}).
 */
public final class ReplicationBenchmark {

    private static final int[] CLIENTS = {1, 8, 32};
    private static final Duration SETTLE = Duration.ofSeconds(120);

    private record Rate(double perSecond, double p50, double p99, long writes) { }

    public static void main(String[] args) throws Exception {
        int seconds = Integer.getInteger("regent.bench.seconds", 15);
        int cycles = Integer.getInteger("regent.bench.cycles", 50);
        String only = System.getProperty("regent.bench.only", "");
        Path root = Path.of(System.getProperty("regent.bench.dir", "target/bench-group"));
        if (!only.equals("failover")) {
            throughput(root, seconds);
        }
        if (!only.equals("throughput")) {
            failovers(root, cycles);
        }
    }

    // ---- part 1 -------------------------------------------------------------------------

    private static void throughput(Path root, int seconds) throws Exception {
        Map<Integer, Rate> three = new LinkedHashMap<>();
        Map<Integer, Rate> one = new LinkedHashMap<>();
        for (int size : new int[] {3, 1}) {
            Figures.deleteTree(root);
            try (LocalGroup group = new LocalGroup(root, 9280, 61816, size, Map.of())) {
                group.up();
                int master = awaitMaster(group);
                for (int clients : CLIENTS) {
                    (size == 3 ? three : one).put(clients, measure(group.url(master), "tp" + clients, clients, seconds));
                }
            }
        }
        System.out.printf("%nwrite throughput and latency, %d s per run, 64-byte values, straight to the master%n", seconds);
        System.out.printf("  %7s | %-28s | %-28s | %s%n", "clients", "3 servers (replicated)", "1 server (nothing to replicate)",
                "3 / 1");
        System.out.printf("  %7s | %9s %8s %8s | %9s %8s %8s | %s%n", "", "writes/s", "p50 ms", "p99 ms", "writes/s",
                "p50 ms", "p99 ms", "throughput");
        for (int clients : CLIENTS) {
            Rate r = three.get(clients);
            Rate s = one.get(clients);
            System.out.printf("  %7d | %9.0f %8.1f %8.1f | %9.0f %8.1f %8.1f | %.2f%n", clients, r.perSecond(), r.p50(),
                    r.p99(), s.perSecond(), s.p50(), s.p99(), r.perSecond() / s.perSecond());
        }
    }

    private static Rate measure(String url, String prefix, int clients, int seconds) throws InterruptedException {
        try (Writer writer = new Writer(url, prefix, clients, 64, Long.MAX_VALUE).start()) {
            Thread.sleep(3_000); // warm-up
            int from = writer.latenciesMillis().size();
            long start = System.nanoTime();
            Thread.sleep(seconds * 1_000L);
            List<Double> window = new ArrayList<>(writer.latenciesMillis());
            double elapsed = (System.nanoTime() - start) / 1e9;
            List<Double> latencies = new ArrayList<>(window.subList(from, window.size()));
            Collections.sort(latencies);
            return new Rate(latencies.size() / elapsed, Figures.percentile(latencies, 0.5),
                    Figures.percentile(latencies, 0.99), latencies.size());
        }
    }

    // ---- part 2 -------------------------------------------------------------------------

    private static void failovers(Path root, int cycles) throws Exception {
        Figures.deleteTree(root);
        Map<String, List<Long>> figures = new LinkedHashMap<>();
        try (LocalGroup group = new LocalGroup(root, 9280, 61816, Map.of())) {
            group.up();
            awaitCaughtUp(group);
            try (Writer writer = new Writer(group.balancerUrl(), "cycle", 8, 64, Long.MAX_VALUE).start()) {
                for (int c = 1; c <= cycles; c++) {
                    int old = awaitMaster(group);
                    awaitWrites(writer);
                    long killed = System.nanoTime();
                    group.killNow(old);
                    require(await(SETTLE, () -> writer.firstSuccessSentAfter(killed) > 0), "writes resume after kill " + c);
                    long outage = (writer.firstSuccessSentAfter(killed) - killed) / 1_000_000;
                    figures.computeIfAbsent("write outage (ms)", k -> new ArrayList<>()).add(outage);
                    System.out.printf("  cycle %2d: killed s%d, writes resumed after %4d ms%n", c, old, outage);
                    // a cold Liberty start under full load takes a minute on two cores: the clients
                    // wait while the killed server restarts and catches up, then write on
                    writer.pause();
                    group.start(old);
                    awaitCaughtUp(group);
                    writer.resume();
                }
                awaitWrites(writer);
                writer.stop();
                Map<String, String> stored = StoreReader.read(group.url(awaitMaster(group)), "cycle-");
                long lost = writer.acknowledged().entrySet().stream()
                        .filter(e -> !e.getValue().equals(stored.get(e.getKey()))).count();
                require(await(SETTLE, () -> group.positions().size() == 1), "servers converge: " + group.positions());
                System.out.printf("%n%d kill -9 cycles of the master under 8 writing clients (through HAProxy)%n", cycles);
                System.out.printf("  acknowledged writes: %d; missing on the final master: %d; all servers at %s%n",
                        writer.acknowledgedCount(), lost, group.positions());
                System.out.printf("  retried answers during the run: %s%n", writer.retriedStatuses());
                Figures.print("client-visible write outage per failover, from the kill to the next 2xx", figures);
            }
        }
    }

    private static int awaitMaster(LocalGroup group) {
        int[] found = new int[1];
        require(await(SETTLE, () -> (found[0] = group.soleReady(0)) > 0), "one ready master");
        return found[0];
    }

    private static void awaitCaughtUp(LocalGroup group) {
        require(await(SETTLE, group::allCaughtUp), "every server caught up");
    }

    private static void awaitWrites(Writer writer) {
        long before = writer.acknowledgedCount();
        require(await(SETTLE, () -> writer.acknowledgedCount() >= before + 50), "writes go through");
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("benchmark stopped: not met: " + what);
        }
    }
}

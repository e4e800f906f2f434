package io.regent.bench;

import io.regent.it.LocalGroup;
import io.regent.it.Users;
import io.regent.it.WarmUps;
import jakarta.json.JsonObject;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static io.regent.it.LocalGroup.SIZE;
import static io.regent.it.LocalGroup.await;
import static io.regent.it.LocalGroup.get;
import static io.regent.it.LocalGroup.post;

/**
 * Failover on real servers: broker + 3 Liberty servers + HAProxy. Each trial kills the master
 * with SIGKILL and measures, from the kill: detection (the new master's suspicion), its
 * declaration, its /health/ready turning UP, and the first request through HAProxy it answers;
 * the same under write load (wrk through HAProxy), to the first write the new master acknowledges.
 * Then the planned-handover outage, each server's RSS and idle CPU, and the round trips
 * through the broker. Runs the shipped defaults, then a tuned configuration.
 *
 * <p>{@code mvn -B -q install -DskipTests && mvn -B -q -pl system-tests -Pbenchmark test}
 * (trials: {@code -Dregent.bench.trials=20}; one configuration: {@code -Dregent.bench.only=tuned}; some
 * faults: {@code -Dregent.bench.faults=kill,loaded,hung,handover,idle}).
 */
public final class FailoverBenchmark {

    private record Config(String name, Map<String, String> env) { }

    /** Writers through HAProxy during the loaded kill trials. */
    private static final int LOAD_CONNECTIONS = 8;

    private final LocalGroup group;
    private final int trials;
    private final WarmUps warmUps;

    private FailoverBenchmark(LocalGroup group, int trials) {
        this.group = group;
        this.trials = trials;
        this.warmUps = new WarmUps(group);
    }

    public static void main(String[] args) throws Exception {
        int trials = Integer.getInteger("regent.bench.trials", 20);
        List<Config> configs = List.of(
                new Config("defaults (detection 100 ms, time-out 200 ms, 2 misses, base 20 ms)", Map.of()),
                new Config("tuned (detection 50 ms, time-out 60 ms, 2 misses, base 10 ms)", Map.of(
                        "REGENT_DETECTION_INTERVAL", "50", "REGENT_REPLY_TIMEOUT", "60",
                        "REGENT_DETECTION_MISSES", "2", "REGENT_ELECTION_BASE", "10")));
        Path root = Path.of(System.getProperty("regent.bench.dir", "target/bench-group"));
        String only = System.getProperty("regent.bench.only", "");
        for (Config c : configs) {
            if (!c.name().startsWith(only)) {
                continue;
            }
            Figures.deleteTree(root);
            try (LocalGroup group = new LocalGroup(root, 9280, 61816, c.env())) {
                group.up();
                System.out.printf("%n=== %s, %d trials ===%n", c.name(), trials);
                new FailoverBenchmark(group, trials).run();
            }
        }
    }

    private void run() throws Exception {
        java.util.Set<String> faults = java.util.Set.of(
                System.getProperty("regent.bench.faults", "kill,loaded,hung,handover,idle").split(","));
        settle();
        if (faults.contains("kill")) {
            repeat("kill -9 of the master, ms after the kill", this::killTrial);
        }
        if (faults.contains("loaded")) {
            repeat("kill -9 of the master under write load (wrk, " + LOAD_CONNECTIONS
                    + " connections through HAProxy), ms after the kill", this::loadedKillTrial);
        }
        if (faults.contains("hung")) {
            repeat("hung master (SIGSTOP), ms after the stop", this::hungTrial);
        }
        if (faults.contains("handover")) {
            repeat("planned handover, ms after the request", this::handoverTrial);
        }
        if (faults.contains("idle")) {
            resources();
        }
        roundTrips();
    }

    // ---- trials -------------------------------------------------------------------------

    /** One kind of trial: adds what it measured, by name, to the figures. */
    private interface Trial {
        void run(Map<String, List<Long>> figures) throws Exception;
    }

    private void repeat(String title, Trial trial) throws Exception {
        Map<String, List<Long>> figures = new LinkedHashMap<>();
        for (int t = 0; t < trials; t++) {
            trial.run(figures);
        }
        Figures.print(title, figures);
    }

    private void killTrial(Map<String, List<Long>> out) throws Exception {
        int master = soleReady();
        long t0 = group.killNow(master);
        long[] readyAt = {-1};
        int[] successor = {-1};
        long routedAt = -1;
        long end = t0 + 10_000;
        // readiness first: a request through HAProxy may wait for it to give up on the dead
        // server, and must not delay this measurement
        while (System.currentTimeMillis() < end && readyAt[0] < 0) {
            for (int i = 1; i <= SIZE; i++) {
                if (i != master && group.ready(i)) {
                    readyAt[0] = System.currentTimeMillis();
                    successor[0] = i;
                }
            }
            Thread.sleep(2);
        }
        while (System.currentTimeMillis() < end && routedAt < 0) {
            if (routedToMaster()) {
                routedAt = System.currentTimeMillis();
            }
            Thread.sleep(2);
        }
        if (successor[0] < 0 || routedAt < 0) {
            throw new IllegalStateException("no failover within 10 s of killing s" + master);
        }
        JsonObject events = group.status(successor[0]);
        Figures.add(out, "detection (suspicion)", eventTime(events, "MasterSuspected") - t0);
        Figures.add(out, "declaration", eventTime(events, "Declared") - t0);
        Figures.add(out, "new master ready", readyAt[0] - t0);
        Figures.add(out, "HAProxy routes to it", routedAt - t0);
        restart(master);
        int back = master;
        await(Duration.ofSeconds(60), () -> "BACKUP".equals(role(back)));
        settle();
    }

    /**
     * kill -9 of the master while wrk writes through HAProxy: from the kill, the new master ready
     * and the first write it acknowledges through HAProxy, as a client sees it that writes one key
     * after another on one connection and retries 10 ms after each failure (no answer within 3 s
     * is a failure too); answers other than 2xx during the trial (in doubt or refused, to be
     * retried) are counted from wrk's report.
     */
    private void loadedKillTrial(Map<String, List<Long>> out) throws Exception {
        int master = soleReady();
        AtomicLong acknowledgedAt = new AtomicLong(-1);
        long t0;
        long readyAt = -1;
        Wrk.Result load;
        try (Wrk.Running wrk = Wrk.start(group.balancerUrl(), "regent-put.lua", LOAD_CONNECTIONS, 8,
                Map.of("REGENT_BENCH_AUTH", Users.basic(Users.WRITER)))) {
            Thread.sleep(3_000); // writes flowing at full rate
            t0 = group.killNow(master);
            long end = t0 + 10_000;
            Thread writer = new Thread(() -> writeUntilAcknowledged(master, t0, end, acknowledgedAt), "failover-writer");
            writer.start();
            while (System.currentTimeMillis() < end && readyAt < 0) {
                for (int i = 1; i <= SIZE && readyAt < 0; i++) {
                    if (i != master && group.ready(i)) {
                        readyAt = System.currentTimeMillis();
                    }
                }
                Thread.sleep(2);
            }
            writer.join(Math.max(1, end - System.currentTimeMillis() + 3_000));
            load = wrk.result();
        }
        if (readyAt < 0 || acknowledgedAt.get() < 0) {
            throw new IllegalStateException("no failover under load within 10 s of killing s" + master);
        }
        Figures.add(out, "new master ready", readyAt - t0);
        Figures.add(out, "first write it acknowledges through HAProxy", acknowledgedAt.get() - t0);
        Figures.add(out, "writes/s of the 8 s run", Math.round(load.perSecond()));
        Figures.add(out, "answers other than 2xx in the run", load.errors());
        restart(master);
        int back = master;
        await(Duration.ofSeconds(60), () -> "BACKUP".equals(role(back)));
        settle();
    }

    /** A client's writes through HAProxy, one at a time, until one is acknowledged by a master other than {@code old}. */
    private void writeUntilAcknowledged(int old, long t0, long end, AtomicLong acknowledgedAt) {
        for (int n = 0; System.currentTimeMillis() < end; n++) {
            HttpResponse<String> r = LocalGroup.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                    group.balancerUrl() + "/api/kv/bench-failover-" + t0 + "-" + n))
                    .header("Authorization", Users.basic(Users.WRITER)).header("Content-Type", "application/json")
                    .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"value\":\"x\"}")));
            if (r != null && r.statusCode() / 100 == 2 && !r.headers().firstValue("Regent-Master").orElse("").equals("s" + old)) {
                acknowledgedAt.set(System.currentTimeMillis());
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * SIGSTOP of the master: requests sent through HAProxy every 10 ms from the stop on; the
     * outage ends when the first answer of the new master arrives. A request HAProxy sent to the
     * stopped master waits, as a client's would, until HAProxy gives up on it.
     */
    private void hungTrial(Map<String, List<Long>> out) throws Exception {
        int master = soleReady();
        group.pause(master);
        long t0 = System.currentTimeMillis();
        java.util.concurrent.ConcurrentSkipListSet<Long> answeredAt = new java.util.concurrent.ConcurrentSkipListSet<>();
        List<java.util.concurrent.CompletableFuture<?>> sent = new ArrayList<>();
        try {
            long end = t0 + 10_000;
            while (System.currentTimeMillis() < end && answeredAt.isEmpty()) {
                sent.add(LocalGroup.sendAsync(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(group.balancerUrl() + "/health/ready")).timeout(Duration.ofSeconds(10)).GET())
                        .thenAccept(r -> {
                            if (r.statusCode() == 200 && !r.body().contains("\"s" + master + "\"")) {
                                answeredAt.add(System.currentTimeMillis());
                            }
                        }));
                Thread.sleep(10);
            }
        } finally {
            group.resume(master);
        }
        if (answeredAt.isEmpty()) {
            throw new IllegalStateException("no answer from a new master within 10 s of stopping s" + master);
        }
        Figures.add(out, "first answer from the new master", answeredAt.first() - t0);
        sent.forEach(f -> f.exceptionally(e -> null).join());
        int back = master;
        await(Duration.ofSeconds(60), () -> "BACKUP".equals(role(back)));
        settle();
    }

    private void handoverTrial(Map<String, List<Long>> out) throws Exception {
        int master = soleReady();
        long t0 = System.currentTimeMillis();
        HttpResponse<String> r = post(group.url(master) + "/api/group/handover");
        if (r == null || r.statusCode() != 202) {
            throw new IllegalStateException("handover refused: " + (r == null ? "no answer" : r.body()));
        }
        long readyAt = -1;
        long routedAt = -1;
        long end = t0 + 5_000;
        while (System.currentTimeMillis() < end && (readyAt < 0 || routedAt < 0)) {
            for (int i = 1; i <= SIZE; i++) {
                if (readyAt < 0 && i != master && group.ready(i)) {
                    readyAt = System.currentTimeMillis();
                }
            }
            if (routedAt < 0 && readyAt >= 0 && routedToMaster()) {
                routedAt = System.currentTimeMillis();
            }
            Thread.sleep(1);
        }
        Figures.add(out, "new master ready (write outage)", readyAt - t0);
        Figures.add(out, "HAProxy routes to it", routedAt - t0);
        settle();
    }

    // ---- resources ----------------------------------------------------------------------

    /**
     * Idle cost per process, once the group has been idle for a while (servers restarted by the
     * trials are still compiling their code): total CPU, and the part spent by the JIT compiler
     * threads, which falls to nothing once a server is warm, apart from the rest.
     */
    private void resources() throws Exception {
        long settle = Long.getLong("regent.bench.idle.settle", 120);
        long seconds = Long.getLong("regent.bench.idle.seconds", 30);
        Thread.sleep(settle * 1_000);
        Map<String, double[]> before = new LinkedHashMap<>();
        List<String> names = new java.util.ArrayList<>();
        for (int i = 1; i <= SIZE; i++) {
            names.add("s" + i);
        }
        for (int b = 1; b <= SIZE; b++) {
            names.add("broker" + b);
        }
        names.add("lb");
        for (String name : names) {
            before.put(name, cpuMillis(group.pid(name)));
        }
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1_000);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        System.out.printf("idle resources over %d s after %d s idle (RSS; CPU %% of one core: total, JIT compiler "
                + "threads, the rest); HAProxy polls each role port every 50 ms:%n", seconds, settle);
        for (String name : names) {
            long pid = group.pid(name);
            double[] after = cpuMillis(pid);
            double total = (after[0] - before.get(name)[0]) / 10.0 / elapsed; // ms per s, as % of a core
            double jit = (after[1] - before.get(name)[1]) / 10.0 / elapsed;
            System.out.printf("  %-7s RSS %4d MB  CPU %5.1f %%  JIT %5.1f %%  rest %5.1f %%%n", name, rssKb(pid) / 1024,
                    total, jit, total - jit);
        }
    }

    private void roundTrips() {
        System.out.println("round trips through the broker, ms (latest up to 1,024 samples per server):");
        for (int i = 1; i <= SIZE; i++) {
            JsonObject rt = group.status(i).getJsonObject("roundTrips");
            System.out.printf("  s%d  inquiry p50 %3d p99 %3d max %3d (%d)   probe p50 %3d p99 %3d max %3d (%d)%n", i,
                    rt.getJsonObject("inquiry").getInt("p50"), rt.getJsonObject("inquiry").getInt("p99"),
                    rt.getJsonObject("inquiry").getInt("max"), rt.getJsonObject("inquiry").getInt("samples"),
                    rt.getJsonObject("probe").getInt("p50"), rt.getJsonObject("probe").getInt("p99"),
                    rt.getJsonObject("probe").getInt("max"), rt.getJsonObject("probe").getInt("samples"));
        }
    }

    /** CPU milliseconds the process used, and those of its live JIT compiler threads. */
    private static double[] cpuMillis(long pid) throws IOException {
        double jit = ProcessCpu.threads(pid).values().stream()
                .filter(t -> t.kind().equals("C1 CompilerThre") || t.kind().equals("C2 CompilerThre"))
                .mapToDouble(ProcessCpu.ThreadTime::millis).sum();
        return new double[] {ProcessCpu.millis(List.of(pid)), jit};
    }

    private static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    // ---- helpers ------------------------------------------------------------------------

    private boolean routedToMaster() {
        HttpResponse<String> r = get(group.balancerUrl() + "/health/ready");
        return r != null && r.statusCode() == 200;
    }

    /**
     * Waits until exactly one server is ready and HAProxy routes to it, and until every server has
     * warmed up its request path (README, Operations, Warm-up: a backup restarted by the last
     * trial is otherwise still compiling it), then a little more: a group in its steady state.
     */
    private void settle() throws InterruptedException {
        if (!await(Duration.ofSeconds(60), () -> group.soleReady(0) > 0 && routedToMaster())) {
            throw new IllegalStateException("the group did not settle");
        }
        if (!await(Duration.ofSeconds(120), warmUps::all)) {
            throw new IllegalStateException("a server did not finish its warm-up within 120 s");
        }
        Thread.sleep(1_500);
    }

    /** Restarts a server: it warms up afresh. */
    private void restart(int i) {
        warmUps.restarted(i);
        group.start(i);
    }

    private int soleReady() {
        int m = group.soleReady(0);
        if (m < 0) {
            throw new IllegalStateException("no single ready master");
        }
        return m;
    }

    private String role(int i) {
        JsonObject s = group.status(i);
        return s == null ? "" : s.getString("role");
    }

    private static long eventTime(JsonObject status, String type) {
        return status.getJsonArray("events").getValuesAs(JsonObject.class).stream()
                .filter(e -> e.getString("type").equals(type))
                .map(e -> Instant.parse(e.getString("at")).toEpochMilli())
                .findFirst().orElse(-1L);
    }

}

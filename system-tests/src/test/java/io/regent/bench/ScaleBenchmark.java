package io.regent.bench;

import io.regent.it.LocalGroup;
import io.regent.it.Users;
import jakarta.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Stream;

import static io.regent.it.LocalGroup.SIZE;
import static io.regent.it.LocalGroup.await;

/**
 * A store larger than the heap on real servers (each {@code -Xmx256m}): wrk fills the group with
 * 1,000,000 keys of 1,000-byte values (about 1 GB), then the benchmark measures what an operator
 * meets with that much state: each server's memory, the restart of a backup after kill -9 (it
 * replays its own disk and fetches the tail), a backup that lost its disk (it installs the whole
 * store as a snapshot, streamed in chunks), and a kill -9 of the master. While a server recovers
 * the benchmark polls every server's heap and reports the most it saw; a server that ran out of
 * heap would stop answering and the benchmark would fail.
 *
 * <p>{@code mvn -B -q install -DskipTests && mvn -B -q -pl system-tests -Pscale-benchmark test}
 * ({@code -Dregent.bench.keys=1000000}, {@code -Dregent.bench.value-bytes=1000}).
 */
public final class ScaleBenchmark {

    private static final Duration SETTLE = Duration.ofMinutes(3);
    private static final Duration RECOVERY = Duration.ofMinutes(20);
    private static final int CONNECTIONS = 32;
    private static final int ROUND_SECONDS = 60;

    private final LocalGroup group;
    private final Path dir;

    private ScaleBenchmark(LocalGroup group, Path dir) {
        this.group = group;
        this.dir = dir;
    }

    public static void main(String[] args) throws Exception {
        long keys = Long.getLong("regent.bench.keys", 1_000_000L);
        int valueBytes = Integer.getInteger("regent.bench.value-bytes", 1000);
        Path root = Path.of(System.getProperty("regent.bench.dir", "target/bench-group"));
        Figures.deleteTree(root);
        try (LocalGroup group = new LocalGroup(root, 9280, 61816, Map.of())) {
            group.up();
            new ScaleBenchmark(group, root).run(keys, valueBytes);
        }
    }

    private void run(long keys, int valueBytes) throws Exception {
        int master = master();
        int backup = master % SIZE + 1;
        System.out.printf("%n=== state larger than the heap: %,d keys of %,d-byte values, 3 servers -Xmx256m ===%n",
                keys, valueBytes);
        long empty = restart(backup, false).millis;
        System.out.printf("restart of a backup with an empty store (Liberty start, the baseline): %,d ms%n", empty);

        fill(master, keys, valueBytes);
        settle();
        memory("after the fill");

        Recovery replay = restart(backup, false);
        System.out.printf("kill -9 of backup s%d, restart: caught up after %,d ms (baseline %,d ms); fetched %,d bytes,"
                + " %d snapshots; most heap used on any server meanwhile %d MB%n", backup, replay.millis, empty,
                replay.bytesFetched, replay.snapshots, replay.heapPeakMegabytes);

        Recovery install = restart(backup, true);
        System.out.printf("backup s%d with its disk wiped: caught up after %,d ms; fetched %,d bytes in %d snapshot(s);"
                + " most heap used on any server meanwhile %d MB%n", backup, install.millis, install.bytesFetched,
                install.snapshots, install.heapPeakMegabytes);

        long before = group.killNow(master);
        int[] next = new int[1];
        if (!await(SETTLE, () -> (next[0] = group.soleReady(master)) > 0)) {
            throw new IllegalStateException("no new master after the kill of s" + master);
        }
        System.out.printf("kill -9 of master s%d: s%d ready after %,d ms%n", master, next[0],
                System.currentTimeMillis() - before);
        group.start(master);
        settle();
        memory("at the end");
        System.out.printf("digests: %s%n", group.positions());
        if (group.positions().size() != 1) {
            throw new IllegalStateException("the servers disagree: " + group.positions());
        }
    }

    /** wrk writes distinct keys in rounds until the store holds {@code keys}. */
    private void fill(int master, long keys, int valueBytes) throws Exception {
        String url = group.url(master);
        long start = System.currentTimeMillis();
        long errors = 0;
        for (int round = 1; keysHeld(master) < keys; round++) {
            long perThread = Math.max(1, (keys - keysHeld(master) + 1) / 2);
            Wrk.Result r = Wrk.run(url, "regent-fill.lua", CONNECTIONS, ROUND_SECONDS, Map.of(
                    "REGENT_BENCH_AUTH", Users.basic(Users.WRITER), "REGENT_FILL_ROUND", String.valueOf(round),
                    "REGENT_FILL_QUOTA", String.valueOf(perThread), "REGENT_FILL_VALUE_BYTES", String.valueOf(valueBytes)));
            errors += r.errors();
            System.out.printf("  round %d: %,.0f writes/s (p50 %.1f ms, p99 %.1f ms), the store holds %,d keys%n", round,
                    r.perSecond(), r.p50Millis(), r.p99Millis(), keysHeld(master));
        }
        JsonObject r = group.replication(master);
        System.out.printf("filled: %,d keys, %,d bytes in %,d s; answers other than 2xx: %d%n", r.getJsonNumber("keys")
                .longValue(), r.getJsonNumber("bytes").longValue(), (System.currentTimeMillis() - start) / 1000, errors);
    }

    private long keysHeld(int server) {
        JsonObject r = group.replication(server);
        if (r == null) {
            throw new IllegalStateException("s" + server + " does not answer");
        }
        return r.getJsonNumber("keys").longValue();
    }

    private record Recovery(long millis, long bytesFetched, long snapshots, long heapPeakMegabytes) { }

    /** Kills server i (and wipes its disk if asked), starts it, and times it until the group is caught up. */
    private Recovery restart(int i, boolean wipe) throws Exception {
        HeapWatch heap = new HeapWatch();
        Thread watcher = new Thread(heap, "heap-watch");
        watcher.setDaemon(true);
        watcher.start();
        try {
            if (wipe) {
                group.stop(i);
                group.wipeData(i);
            } else {
                group.killNow(i);
            }
            long start = System.currentTimeMillis();
            group.start(i);
            if (!await(RECOVERY, () -> group.allCaughtUp() && group.positions().size() == 1)) {
                throw new IllegalStateException("s" + i + " did not catch up: " + group.positions());
            }
            long millis = System.currentTimeMillis() - start;
            JsonObject r = group.replication(i);
            return new Recovery(millis, r.getJsonNumber("bytesFetched").longValue(),
                    r.getJsonNumber("snapshotsInstalled").longValue(), heap.peakMegabytes());
        } finally {
            heap.stop();
            watcher.join();
        }
    }

    /** Polls every server's used heap and keeps the most seen. */
    private final class HeapWatch implements Runnable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLongArray peak = new AtomicLongArray(SIZE + 1);

        @Override
        public void run() {
            while (running.get()) {
                for (int i = 1; i <= SIZE; i++) {
                    long used = group.heapUsedMegabytes(i);
                    int s = i;
                    peak.getAndUpdate(s, p -> Math.max(p, used));
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stop() {
            running.set(false);
        }

        long peakMegabytes() {
            long most = 0;
            for (int i = 1; i <= SIZE; i++) {
                most = Math.max(most, peak.get(i));
            }
            return most;
        }
    }

    private void memory(String when) throws IOException {
        System.out.printf("memory %s:%n", when);
        for (int i = 1; i <= SIZE; i++) {
            JsonObject r = group.replication(i);
            System.out.printf("  s%d: %,d keys, %,d bytes; heap used %d MB; RSS %d MB; data directory %,d MB%n", i,
                    r.getJsonNumber("keys").longValue(), r.getJsonNumber("bytes").longValue(), group.heapUsedMegabytes(i),
                    group.rssMegabytes(i), directoryBytes(dir.resolve("data").resolve("s" + i)) >> 20);
        }
    }

    private int master() {
        int[] found = new int[1];
        if (!await(SETTLE, () -> (found[0] = group.soleReady(0)) > 0 && group.allCaughtUp())) {
            throw new IllegalStateException("no master");
        }
        return found[0];
    }

    private void settle() {
        if (!await(SETTLE, () -> group.allCaughtUp() && group.positions().size() == 1)) {
            throw new IllegalStateException("the group did not settle: " + group.positions());
        }
    }

    private static long directoryBytes(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}

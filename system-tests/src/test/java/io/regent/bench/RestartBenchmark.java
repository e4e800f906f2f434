package io.regent.bench;

import io.regent.it.LocalGroup;
import io.regent.it.Users;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.regent.it.LocalGroup.SIZE;
import static io.regent.it.LocalGroup.await;

/**
 * How long a restarted server takes to be back (issue 32): {@code group start N} to
 * {@code /health/started} (joined: its master answered it and it caught up), on an idle group and
 * under eight writers through HAProxy, with where the time goes, read from the server's
 * messages.log: the JVM and Liberty (launch to "server started", of which the application's own
 * start), the protocol's start (subscribed to the topic), and the join with its catch-up.
 * Idle, a backup is killed and restarted; under load the master, as an operator's kill -9 of a
 * master under load goes, and it stays down {@code regent.bench.down} seconds first.
 *
 * <p>{@code mvn -B -q install -DskipTests && mvn -B -q -pl system-tests -Prestart-benchmark test}
 * (trials: {@code -Dregent.bench.trials=5}; seconds down under load: {@code -Dregent.bench.down=30};
 * the group's environment, e.g. {@code -Dregent.bench.env=REGENT_START_NICE=0}).
 */
public final class RestartBenchmark {

    private static final int LOAD_CONNECTIONS = 8;
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("M/d/yy, HH:mm:ss:SSS");
    private static final Pattern LINE = Pattern.compile("^\\[(\\d+/\\d+/\\d+, \\d+:\\d+:\\d+:\\d+) (\\S+)\\] (.*)$");

    private final LocalGroup group;
    private final Path root;
    private final int trials;
    private final int downSeconds;

    private RestartBenchmark(LocalGroup group, Path root, int trials, int downSeconds) {
        this.group = group;
        this.root = root;
        this.trials = trials;
        this.downSeconds = downSeconds;
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("regent.bench.dir", "target/restart-group"));
        Figures.deleteTree(root);
        Map<String, String> env = new LinkedHashMap<>();
        for (String kv : System.getProperty("regent.bench.env", "").split(",")) {
            if (kv.contains("=")) {
                env.put(kv.substring(0, kv.indexOf('=')).trim(), kv.substring(kv.indexOf('=') + 1).trim());
            }
        }
        try (LocalGroup group = new LocalGroup(root, 9280, 61816, env)) {
            group.up();
            RestartBenchmark b = new RestartBenchmark(group, root, Integer.getInteger("regent.bench.trials", 5),
                    Integer.getInteger("regent.bench.down", 30));
            b.idle();
            b.loaded();
        }
    }

    private void idle() throws Exception {
        Map<String, List<Long>> figures = new LinkedHashMap<>();
        for (int t = 0; t < trials; t++) {
            settle();
            int backup = backup();
            group.killNow(backup);
            Thread.sleep(2_000);
            restart(backup, figures);
        }
        Figures.print("restart of a backup on an idle group, ms", figures);
    }

    private void loaded() throws Exception {
        Map<String, List<Long>> figures = new LinkedHashMap<>();
        for (int t = 0; t < trials; t++) {
            settle();
            int master = master();
            try (Wrk.Running wrk = Wrk.start(group.balancerUrl(), "regent-put.lua", LOAD_CONNECTIONS, downSeconds + 300,
                    Map.of("REGENT_BENCH_AUTH", Users.basic(Users.WRITER)))) {
                Thread.sleep(3_000); // writes flowing at full rate
                group.killNow(master);
                Thread.sleep(downSeconds * 1_000L);
                restart(master, figures);
            }
        }
        Figures.print("restart of the master killed under write load (wrk, " + LOAD_CONNECTIONS
                + " connections through HAProxy), down " + downSeconds + " s, ms", figures);
    }

    /** Starts server {@code i} and adds the time to joined and its parts. */
    private void restart(int i, Map<String, List<Long>> out) throws IOException {
        Path log = root.resolve("usr/servers/s" + i + "/logs/messages.log");
        long t0 = System.currentTimeMillis();
        group.start(i);
        long joined = System.currentTimeMillis();
        Map<String, Long> at = new LinkedHashMap<>();
        long snapshots = 0;
        // Liberty starts a new messages.log each time it starts: this start's lines are there
        for (String line : Files.readAllLines(log)) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            // Liberty writes this machine's local time, in this JVM's zone too
            long when = LocalDateTime.parse(m.group(1), LOG_TIME).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
            if (when < t0) {
                continue;
            }
            String text = m.group(3);
            mark(at, text, "CWWKE0001I", "launched", when);
            mark(at, text, "CWWKZ0001I", "application started", when);
            mark(at, text, "CWWKF0011I", "server started", when);
            mark(at, text, "subscribed to", "protocol started", when);
            mark(at, text, "JOINING -> ", "joined", when);
            if (text.contains("installed a snapshot")) {
                snapshots++;
            }
        }
        for (String mark : List.of("launched", "application started", "server started", "protocol started", "joined")) {
            if (!at.containsKey(mark)) {
                throw new IllegalStateException(log + " does not show this start's '" + mark + "': " + at.keySet());
            }
        }
        Figures.add(out, "start -> /health/started (joined)", joined - t0);
        Figures.add(out, "  start -> JVM launched Liberty", at.get("launched") - t0);
        Figures.add(out, "  launched -> Liberty 'server started'", at.get("server started") - at.get("launched"));
        Figures.add(out, "    of which: launched -> application started", at.get("application started") - at.get("launched"));
        Figures.add(out, "  server started -> protocol started", at.get("protocol started") - at.get("server started"));
        Figures.add(out, "  protocol started -> joined (catch-up)", at.get("joined") - at.get("protocol started"));
        Figures.add(out, "snapshots installed", snapshots);
    }

    private static void mark(Map<String, Long> at, String text, String needle, String name, long when) {
        if (text.contains(needle)) {
            at.putIfAbsent(name, when);
        }
    }


    private void settle() {
        if (!await(Duration.ofSeconds(300), () -> group.allCaughtUp() && group.positions().size() == 1)) {
            throw new IllegalStateException("the group did not settle: " + group.positions());
        }
    }

    private int master() {
        return group.awaitSoleReady(0, Duration.ofSeconds(120));
    }

    private int backup() {
        int m = master();
        for (int i = SIZE; i >= 1; i--) {
            if (i != m) {
                return i;
            }
        }
        throw new IllegalStateException("no backup");
    }
}

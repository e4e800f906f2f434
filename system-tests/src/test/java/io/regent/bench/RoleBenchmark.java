package io.regent.bench;

import io.regent.it.LocalGroup;
import io.regent.net.NetworkLab;
import jakarta.json.JsonObject;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.regent.it.LocalGroup.SIZE;
import static io.regent.it.LocalGroup.await;

/**
 * What an application beside Regent is told, and when (issue 34), on real servers with the
 * example deployed, each server and broker on a network namespace of its own (root only):
 * <ul>
 *   <li><b>grant latency</b>: kill -9 of the master, then the time until the new master's
 *   application is told {@code MasterGranted}, beside the new master's /health/ready;</li>
 *   <li><b>step-down bound</b>: the master's link cut, then the time until its application is
 *   told {@code MasterRevoked} (the quorum window and what the machine adds), and until the new
 *   master's is told {@code MasterGranted}.</li>
 * </ul>
 * Times are the servers' clocks, which are this machine's.
 *
 * <p>{@code mvn -B -q install -DskipTests && mvn -B -q -pl system-tests -Prole-benchmark test}
 * ({@code -Dregent.bench.trials=10})
 */
public final class RoleBenchmark {

    private static final Duration SETTLE = Duration.ofSeconds(180);
    /** How long the cut lasts: past an election on the majority's side. */
    private static final long CUT_MILLIS = 5_000;

    private final LocalGroup group;
    private final NetworkLab lab;

    private RoleBenchmark(LocalGroup group, NetworkLab lab) {
        this.group = group;
        this.lab = lab;
    }

    public static void main(String[] args) throws Exception {
        if (!NetworkLab.available()) {
            throw new IllegalStateException("the role benchmark cuts links: it needs root and iproute2");
        }
        int trials = Integer.getInteger("regent.bench.trials", 10);
        Path root = Path.of(System.getProperty("regent.bench.dir", "target/bench-group"));
        Figures.deleteTree(root);
        try (NetworkLab lab = NetworkLab.create(SIZE);
                LocalGroup group = LocalGroup.onHosts(root, 9280, 61816, lab).withExample()) {
            group.up();
            RoleBenchmark bench = new RoleBenchmark(group, lab);
            bench.settle();
            Map<String, List<Long>> kill = new LinkedHashMap<>();
            Map<String, List<Long>> cut = new LinkedHashMap<>();
            for (int t = 0; t < trials; t++) {
                bench.killTrial(kill);
                bench.cutTrial(cut);
            }
            System.out.printf("%n=== role events on real servers, %d trials each, default quorum window (%d cores) ===%n",
                    trials, Runtime.getRuntime().availableProcessors());
            Figures.print("kill -9 of the master, ms after the kill", kill);
            Figures.print("the master's link cut, ms after the cut", cut);
        }
    }

    private void killTrial(Map<String, List<Long>> out) throws Exception {
        int master = group.awaitSoleReady(0, SETTLE);
        long t0 = group.killNow(master);
        int successor = group.awaitSoleReady(master, SETTLE);
        long readyAt = System.currentTimeMillis();
        long granted = awaitEvent(successor, "granted", t0);
        Figures.add(out, "new master's application granted", granted - t0);
        Figures.add(out, "new master ready (polled)", readyAt - t0);
        group.start(master);
        settle();
    }

    private void cutTrial(Map<String, List<Long>> out) throws Exception {
        int master = group.awaitSoleReady(0, SETTLE);
        long t0 = System.currentTimeMillis();
        lab.cut(master);
        int successor;
        try {
            successor = group.awaitSoleReady(master, SETTLE);
            Thread.sleep(Math.max(0, t0 + CUT_MILLIS - System.currentTimeMillis()));
        } finally {
            lab.heal(master);
        }
        Figures.add(out, "cut-off master's application revoked", awaitEvent(master, "revoked", t0) - t0);
        Figures.add(out, "new master's application granted", awaitEvent(successor, "granted", t0) - t0);
        settle();
    }

    /** When server i's application was first told {@code event} at or after {@code since}. */
    private long awaitEvent(int i, String event, long since) {
        long[] at = {-1};
        boolean told = await(Duration.ofSeconds(30), () -> {
            List<JsonObject> events;
            try {
                events = group.exampleRoleEvents(i);
            } catch (IllegalStateException notYet) {
                return false; // still rejoining after the heal
            }
            for (JsonObject e : events) {
                long when = e.getJsonNumber("atMillis").longValue();
                if (e.getString("event").equals(event) && when >= since) {
                    at[0] = when;
                    return true;
                }
            }
            return false;
        });
        if (!told) {
            throw new IllegalStateException("s" + i + "'s application was not told " + event + " after " + since);
        }
        return at[0];
    }

    private void settle() {
        if (!await(SETTLE, () -> group.allCaughtUp() && group.positions().size() == 1 && group.soleReady(0) > 0)) {
            throw new IllegalStateException("the group did not settle: " + group.positions());
        }
    }
}

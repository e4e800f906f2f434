package io.regent.it;

import io.regent.history.History;
import io.regent.history.HistoryFile;
import io.regent.history.LinearizabilityChecker;
import io.regent.history.Operation;
import io.regent.history.Request;
import io.regent.history.Verdict;
import io.regent.load.RegisterWorkload;
import io.regent.net.NetworkLab;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.regent.it.LocalGroup.SIZE;
import static io.regent.it.LocalGroup.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What clients see under concurrency and faults, checked for linearizability (DESIGN.md §3.6):
 * clients put, compare-and-set, delete and read a few keys through the shipped HAProxy while the
 * master is killed with -9, paused with SIGSTOP, cut off, and made deaf to the others (a one-way
 * cut: it still sends and the clients still reach it). Every operation's invocation, answer and
 * outcome is recorded; each key's history is then searched (Wing and Gong with memoization): the
 * writes and linearizable reads must be linearizable, default and {@code min-seq} reads must show
 * states the key really had, committed and no older than they promise. A failing key's history
 * is kept in {@code target/histories/} for the reader. ({@code -Dregent.history.rounds=5} under
 * {@code -Psoak}.)
 */
@ExtendWith(GroupExtension.class)
@GroupExtension.Uses(SharedGroup.NETWORK)
@GroupExtension.Elects
@org.junit.jupiter.api.Order(8)
class HistoryIT {

    private static final Duration SETTLE = Duration.ofSeconds(120);
    private static final Duration FAULT = Duration.ofSeconds(4);
    /** Keys no earlier run wrote (a group's data outlives a run): each history starts from an absent key. */
    private static final String RUN = Long.toString(System.currentTimeMillis(), 36);
    private static final List<String> KEYS = List.of("reg-" + RUN + "-a", "reg-" + RUN + "-b", "reg-" + RUN + "-c",
            "reg-" + RUN + "-d");
    private static LocalGroup group;
    private static NetworkLab lab;

    /** The faults of one round, each on the master of the moment. */
    private enum Fault { KILL, PAUSE, CUT, DEAFEN }

    @BeforeAll
    static void hosts(LocalGroup onHosts, GroupExtension.Groups groups) {
        group = onHosts;
        lab = groups.lab();
        Prerequisite.require(NetworkLab.oneWayCutsAvailable(), "nftables (nft), for one-way cuts");
    }

    @Test
    void everyKeysHistoryIsLinearizableAcrossKillsPausesAndCuts() throws Exception {
        int rounds = Integer.getInteger("regent.history.rounds", 1);
        List<String> servers = new ArrayList<>();
        for (int i = 1; i <= SIZE; i++) {
            servers.add(group.url(i));
        }
        WarmUps warmUps = new WarmUps(group);
        assertTrue(await(SETTLE, warmUps::all), "every server warmed up");
        Map<Fault, Integer> faults = new EnumMap<>(Fault.class);
        History history;
        RegisterWorkload workload = new RegisterWorkload(group.balancerUrl(), servers, KEYS, 6, 31).start();
        try {
            Thread.sleep(3_000);
            for (int round = 1; round <= rounds; round++) {
                for (Fault fault : Fault.values()) {
                    inflict(fault, warmUps);
                    faults.merge(fault, 1, Integer::sum);
                    Thread.sleep(2_000); // operations on the settled group between faults
                }
            }
        } finally {
            workload.stop();
            history = workload.history();
        }
        assertTrue(workload.unexpected().isEmpty(), "answers no correct server gives: " + workload.unexpected());
        report(history, faults, workload);
        assertTrue(await(SETTLE, () -> group.allCaughtUp() && group.positions().size() == 1),
                "every server ends with the same state: " + group.positions());
    }

    /** One fault on the master, then back to a group where every server is caught up. */
    private static void inflict(Fault fault, WarmUps warmUps) throws Exception {
        assertTrue(await(SETTLE, group::allCaughtUp), "caught up before " + fault);
        int master = master();
        switch (fault) {
            case KILL -> {
                group.killNow(master);
                assertTrue(await(SETTLE, () -> group.soleReady(master) > 0), "a new master after the kill");
                warmUps.restarted(master);
                group.start(master);
            }
            case PAUSE -> {
                group.pause(master);
                try {
                    assertTrue(await(SETTLE, () -> group.soleReady(master) > 0), "a new master while s" + master + " is paused");
                    Thread.sleep(1_000);
                } finally {
                    group.resume(master);
                }
            }
            case CUT -> hold(() -> lab.cut(master), () -> lab.heal(master));
            case DEAFEN -> hold(() -> lab.deafen(master), () -> lab.undeafen(master));
        }
        assertTrue(await(SETTLE, group::allCaughtUp), "caught up after " + fault);
    }

    /** Makes a fault, holds it for {@link #FAULT}, and undoes it, whatever happens meanwhile. */
    private static void hold(Runnable fault, Runnable undo) throws InterruptedException {
        fault.run();
        try {
            Thread.sleep(FAULT.toMillis());
        } finally {
            undo.run();
        }
    }

    private static void report(History history, Map<Fault, Integer> faults, RegisterWorkload workload) throws IOException {
        Map<String, List<Operation>> byKey = history.byKey();
        Map<Request.Consistency, Long> reads = new EnumMap<>(Request.Consistency.class);
        Map<Operation.Outcome, Long> outcomes = new EnumMap<>(Operation.Outcome.class);
        for (Operation op : history.operations()) {
            outcomes.merge(op.outcome(), 1L, Long::sum);
            if (op.kind() == Request.Kind.READ && op.outcome() == Operation.Outcome.OK) {
                reads.merge(op.request().consistency(), 1L, Long::sum);
            }
        }
        List<String> failed = new ArrayList<>();
        Path kept = Path.of("target", "histories").toAbsolutePath();
        LinearizabilityChecker checker = new LinearizabilityChecker();
        for (Map.Entry<String, List<Operation>> key : byKey.entrySet()) {
            Verdict v = checker.check(key.getKey(), key.getValue());
            System.out.println("HistoryIT: " + v.describe().lines().findFirst().orElse(""));
            if (!(v instanceof Verdict.Linearizable)) {
                Path file = HistoryFile.keep(kept, key.getKey(), key.getValue());
                failed.add(v.describe() + "\n(the history: " + file + ")");
            }
        }
        System.out.printf("HistoryIT: %d operations on %d keys, outcomes %s, answered reads by consistency %s, faults %s, "
                + "statuses %s%n", history.operations().size(), byKey.size(), outcomes, reads, faults,
                new TreeMap<>(workload.statuses()));
        assertEquals(KEYS.size(), byKey.size(), "every key was used");
        for (Request.Consistency c : Request.Consistency.values()) {
            assertTrue(reads.getOrDefault(c, 0L) > 20, "reads answered at " + c + ": " + reads);
        }
        assertTrue(failed.isEmpty(), "histories that are not linearizable:\n" + String.join("\n", failed));
    }

    private static int master() {
        int[] found = new int[1];
        assertTrue(await(SETTLE, () -> (found[0] = group.soleReady(0)) > 0), "one ready master");
        return found[0];
    }
}

package io.regent.it;

import io.regent.load.StoreReader;
import io.regent.load.Writer;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.regent.it.LocalGroup.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rolling upgrade from the previous release (DESIGN.md §8, README Upgrades), under writes
 * through HAProxy. The group starts mixed: s3 on the previous release. While versions are mixed
 * the group stays at the previous protocol version with its features off. {@code group upgrade}
 * then restarts what does not run this build, and the group must be finalised at this build's
 * version with every acknowledged write there and every server holding the same state.
 * <p>Under {@code -Psoak} ({@code regent.upgrade.full}) every server starts on the previous
 * release, s2 is upgraded and rolled back first (it must rejoin while the group is not
 * finalised), and {@code group upgrade} rolls all three, the master last after a planned
 * handover: at most one election per server restarted, and the outages are printed.
 */
@ExtendWith(GroupExtension.class)
@org.junit.jupiter.api.Order(14)
class UpgradeIT {

    private static final Duration SETTLE = Duration.ofSeconds(180);
    /** Gaps between acknowledgements longer than this count as an outage. */
    private static final long OUTAGE_MILLIS = 250;
    private static final String PREFIX = "upgrade-" + Long.toString(System.currentTimeMillis(), 36) + "-";
    private static LocalGroup group;
    private static Path previous;

    @BeforeAll
    static void group(GroupExtension.Groups groups) {
        groups.stopAllBut(null); // two cores carry one group
        previous = PreviousRelease.ear();
        Path dir = Path.of(System.getProperty("regent.it.dir", "target/it-group")).resolveSibling("upgrade-group");
        group = new LocalGroup(dir, 9680, 62216, Map.of());
        group.wipe(); // a group the previous release makes: an earlier run's was finalised by this build
    }

    @AfterAll
    static void down() {
        if (group != null) {
            group.close();
        }
    }

    @Test
    void aMixedGroupRollsBackThenUpgradesAndIsFinalisedWithNothingLost() throws Exception {
        boolean full = Boolean.getBoolean("regent.upgrade.full");
        Map<Integer, Path> ears = new HashMap<>();
        for (int k = full ? 1 : 3; k <= 3; k++) {
            ears.put(k, previous);
        }
        group.up(ears);
        assertTrue(group.everyServerUp(SETTLE), "the mixed group is up, one master open");
        for (int k = 1; k <= 3; k++) {
            assertEquals(ears.containsKey(k) ? PreviousRelease.version() : current(), release(k), "s" + k + "'s release");
        }
        try (Writer writer = new Writer(group.balancerUrl(), PREFIX, 2, 64, Long.MAX_VALUE).start()) {
            awaitWritesFlowing(writer);
            assertMixed(ears);

            if (full) {
                // a rollback before finalising: s2 onto this build, then back onto the previous release
                group.stop(2);
                group.start(2);
                ears.remove(2);
                awaitWritesFlowing(writer);
                assertMixed(ears);
                group.stop(2);
                group.start(2, previous);
                ears.put(2, previous);
                assertEquals(PreviousRelease.version(), release(2), "s2 rolled back");
                awaitWritesFlowing(writer);
                assertMixed(ears);
            }

            String epochBefore = group.newestEpoch();
            int master = group.soleReady(0);
            long rollStart = System.nanoTime();
            Map<Integer, Long> stopped;
            try (StopWatch watch = new StopWatch()) {
                group.upgrade();
                stopped = watch.stopped();
            }
            long rollEnd = System.nanoTime();
            awaitWritesFlowing(writer);
            String epochAfter = group.newestEpoch();
            System.out.printf("UpgradeIT: group upgrade of %d servers under load took %d s; epoch %s -> %s; %s; "
                    + "outages over %d ms: %s%n", ears.size(), (rollEnd - rollStart) / 1_000_000_000, epochBefore,
                    epochAfter, steps(writer, stopped, master, rollEnd), OUTAGE_MILLIS,
                    writer.gapsOverMillis(OUTAGE_MILLIS, rollStart));
            assertTrue(term(epochAfter) - term(epochBefore) <= ears.size(),
                    "at most one election per server restarted: epoch " + epochBefore + " -> " + epochAfter);
            for (int k = 1; k <= 3; k++) {
                assertEquals(current(), release(k), "s" + k + " runs this build");
            }
            int latest = group.status(1).getJsonObject("release").getInt("protocol");
            assertTrue(await(SETTLE, () -> everyServer(v -> v.getInt("group") == latest && v.getInt("writes") == latest
                    && v.getJsonArray("features").toString().contains("signed-frame-version"))),
                    "every server finalised at protocol version " + latest + ": " + versions());
            awaitWritesFlowing(writer);
            writer.stop();
            writer.join();
            assertTrue(writer.rejected().isEmpty(), "no write refused: " + writer.rejected());
            assertTrue(await(SETTLE, () -> group.positions().size() == 1), "servers differ: " + group.positions());
            Map<String, String> stored = StoreReader.read(group.url(group.awaitSoleReady(0, SETTLE)), PREFIX);
            List<String> lost = new ArrayList<>();
            writer.acknowledged().forEach((key, value) -> {
                if (!value.equals(stored.get(key))) {
                    lost.add(key);
                }
            });
            assertTrue(writer.acknowledgedCount() > 0);
            assertTrue(lost.isEmpty(), lost.size() + " of " + writer.acknowledgedCount() + " acknowledged writes are missing");
        }
    }

    /**
     * Each step of a roll, from its server's stop to the next server's (the last: to the roll's
     * end), with the longest time without an acknowledged write in it.
     */
    private static String steps(Writer writer, Map<Integer, Long> stopped, int master, long end) {
        List<Map.Entry<Integer, Long>> order = new ArrayList<>(stopped.entrySet());
        order.sort(Map.Entry.comparingByValue());
        List<String> steps = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            long from = order.get(i).getValue();
            long to = i + 1 < order.size() ? order.get(i + 1).getValue() : end;
            int k = order.get(i).getKey();
            steps.add("s" + k + (k == master ? " (master, handed over)" : "") + ": " + (to - from) / 1_000_000_000
                    + " s, longest gap " + writer.longestGapBetweenSuccessesMillis(from, to) + " ms");
        }
        return "steps " + steps;
    }

    /** When each server stopped answering, as {@code group upgrade} rolls them, ns. */
    private static final class StopWatch implements AutoCloseable {
        private final Map<Integer, Long> stopped = new java.util.concurrent.ConcurrentHashMap<>();
        private final Thread thread = new Thread(this::watch, "upgrade-stop-watch");
        private volatile boolean done;

        StopWatch() {
            thread.setDaemon(true);
            thread.start();
        }

        private void watch() {
            while (!done) {
                for (int k = 1; k <= 3; k++) {
                    if (!stopped.containsKey(k) && group.status(k) == null) {
                        stopped.put(k, System.nanoTime());
                    }
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        Map<Integer, Long> stopped() {
            return Map.copyOf(stopped);
        }

        @Override
        public void close() throws InterruptedException {
            done = true;
            thread.join(5_000);
        }
    }

    /** While a voter runs the previous release, the group stays at its version with no feature on. */
    private static void assertMixed(Map<Integer, Path> onPrevious) {
        for (int k = 1; k <= 3; k++) {
            if (onPrevious.containsKey(k)) {
                continue;
            }
            JsonObject v = group.status(k).getJsonObject("versions");
            assertEquals(2, v.getInt("group"), "s" + k + ": the group's version while mixed");
            assertEquals(2, v.getInt("writes"), "s" + k + " writes what the previous release opens");
            assertEquals(0, v.getJsonArray("features").size(), "s" + k + ": no feature on while mixed");
        }
    }

    private static boolean everyServer(java.util.function.Predicate<JsonObject> versions) {
        for (int k = 1; k <= 3; k++) {
            JsonObject s = group.status(k);
            if (s == null || !s.containsKey("versions") || !versions.test(s.getJsonObject("versions"))) {
                return false;
            }
        }
        return true;
    }

    private static String versions() {
        List<String> all = new ArrayList<>();
        for (int k = 1; k <= 3; k++) {
            JsonObject s = group.status(k);
            all.add("s" + k + "=" + (s == null ? "silent" : s.get("versions")));
        }
        return String.join(", ", all);
    }

    private static void awaitWritesFlowing(Writer writer) {
        long before = writer.acknowledgedCount();
        assertTrue(await(SETTLE, () -> writer.acknowledgedCount() >= before + 50),
                "writes go through (retried: " + writer.retriedStatuses() + ")");
    }

    private static String release(int k) {
        return group.status(k).getJsonObject("release").getString("version");
    }

    private static String current() {
        return System.getProperty("regent.version");
    }

    private static long term(String epoch) {
        return Long.parseLong(epoch.substring(0, epoch.indexOf('.')));
    }
}

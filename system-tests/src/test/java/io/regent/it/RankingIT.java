package io.regent.it;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.regent.it.LocalGroup.SIZE;
import static io.regent.it.LocalGroup.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Claim 20 on real servers (DESIGN.md §2.2, measured index): every server runs with
 * {@code regent.server.index=auto}, and s1 is confined to one CPU (taskset), the others have
 * two. Every server must rank s1 last, from the figures each announced; and when the master is
 * killed, mastership must go to the strongest live backup, not to s1.
 */
@ExtendWith(GroupExtension.class)
@GroupExtension.Uses(SharedGroup.MEASURED)
@org.junit.jupiter.api.Order(11)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RankingIT {

    private static final Duration SETTLE = Duration.ofSeconds(120);
    private static final int CONFINED = SharedGroup.CONFINED;
    private static LocalGroup group;

    @BeforeAll
    static void measuredGroup(LocalGroup measured) {
        group = measured;
    }

    @Test
    @Order(1)
    void everyServerRanksTheServerWithOneCpuLast() {
        List<String> expected = null;
        for (int i = 1; i <= SIZE; i++) {
            int server = i;
            assertTrue(await(Duration.ofSeconds(10), () -> ranking(server).size() == SIZE), "s" + i + " heard everyone");
            List<String> ranking = ranking(i);
            assertEquals("s" + CONFINED, ranking.get(SIZE - 1), () -> "s" + server + " ranks " + ranking + " from " + figures(server));
            for (var m : group.status(i).getJsonArray("members").getValuesAs(JsonObject.class)) {
                assertNotNull(m.get("capacity"), "s" + i + " shows the figure of " + m.getString("id"));
                assertTrue(m.getInt("index") > 999, "a measured index: " + m);
            }
            if (expected != null) {
                assertEquals(expected, ranking, "s" + i + " derives the same ranking");
            }
            expected = ranking;
        }
    }

    @Test
    @Order(2)
    @GroupExtension.Elects
    void aKilledMasterHandsMastershipToTheStrongestLiveBackup() {
        WarmUps warmUps = new WarmUps(group);
        int kills = Integer.getInteger("regent.ranking.kills", 1);
        for (int kill = 1; kill <= kills; kill++) {
            // the ranking is between settled servers (DelayIT): the one restarted by the first
            // kill may be the best live backup of the second
            assertTrue(await(SETTLE, warmUps::all), "every server warmed up");
            int master = soleMaster(0);
            List<String> ranking = ranking(master);
            String strongest = null;
            for (String id : ranking) {
                if (!id.equals("s" + master)) {
                    strongest = id;
                    break;
                }
            }
            group.killNow(master);
            int next = soleMaster(master);
            assertEquals(strongest, "s" + next, "after the kill of s" + master + " (ranking " + ranking + ")");
            assertNotEquals(CONFINED, next, "the server with one CPU does not win while a stronger one lives");
            if (kill < kills) {
                warmUps.restarted(master);
                group.start(master);
                assertTrue(await(SETTLE, group::allCaughtUp), "s" + master + " is back");
            }
        }
    }

    /** Member ids in the order server i ranks them, best first, once it has heard them all. */
    private static List<String> ranking(int i) {
        JsonObject s = group.status(i);
        List<JsonObject> members = new ArrayList<>(s == null ? List.of()
                : s.getJsonArray("members").getValuesAs(JsonObject.class));
        members.removeIf(m -> m.get("capacity") == null || m.isNull("capacity"));
        members.sort(Comparator.comparingInt(m -> m.getInt("index")));
        return members.stream().map(m -> m.getString("id")).toList();
    }

    /** Each member's announced figure, as server i shows them, for a failure's message. */
    private static Map<String, String> figures(int i) {
        Map<String, String> figures = new TreeMap<>();
        for (var m : group.status(i).getJsonArray("members").getValuesAs(JsonObject.class)) {
            figures.put(m.getString("id"), String.valueOf(m.get("capacity")));
        }
        return figures;
    }

    /** By the role port: in this group every caught-up member is ready (regent.health.readiness=member). */
    private static int soleMaster(int skip) {
        int[] found = new int[1];
        assertTrue(await(SETTLE, () -> (found[0] = group.soleMasterByRole(skip)) > 0), "one master open for writes");
        return found[0];
    }
}

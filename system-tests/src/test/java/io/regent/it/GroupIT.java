package io.regent.it;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.regent.it.LocalGroup.SIZE;
import static io.regent.it.LocalGroup.await;
import static io.regent.it.LocalGroup.get;
import static io.regent.it.LocalGroup.json;
import static io.regent.it.LocalGroup.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The election on real servers: broker + 3 Liberty servers, killed with SIGKILL, paused with
 * SIGSTOP, stopped gracefully and asked to hand over. One scenario builds on the last.
 */
@ExtendWith(GroupExtension.class)
@GroupExtension.Uses
@org.junit.jupiter.api.Order(1)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GroupIT {

    private static final Duration SETTLE = Duration.ofSeconds(20);
    /** The default of regent.preempt.delay (README, Configuration). */
    private static final long PREEMPT_DELAY_MS = 5_000;
    private static LocalGroup group;

    @org.junit.jupiter.api.BeforeAll
    static void group(LocalGroup theGroup) {
        group = theGroup;
    }

    private static String url(int i) {
        return group.url(i);
    }

    private static JsonObject status(int i) {
        return group.status(i);
    }

    private static boolean ready(int i) {
        return group.ready(i);
    }

    @Test
    @Order(1)
    void aFreshGroupElectsIndexOneAndEveryMemberHearsTheOthers() {
        assertTrue(await(SETTLE, () -> soleReady() == 1), "only s1 is ready: " + readyList());
        assertBalancerRoutesTo(1);
        for (int i = 1; i <= SIZE; i++) {
            int self = i;
            assertTrue(await(SETTLE, () -> followsAndMeasures(self, "s1")), "s" + i + " follows s1 and measured its peers");
        }
    }

    /**
     * Every server shows the group's configuration as its history holds it (DESIGN.md §9): a new
     * group runs on the bootstrap one, every member voting; the master alone knows each member's
     * lag, and may take a membership change.
     */
    @Test
    @Order(1)
    void everyServerShowsTheBootstrapConfigurationAndTheMasterEachMembersLag() {
        assertTrue(await(SETTLE, () -> soleReady() == 1), "only s1 is ready: " + readyList());
        for (int i = 1; i <= SIZE; i++) {
            int self = i;
            assertTrue(await(SETTLE, () -> {
                HttpResponse<String> r = get(url(self) + "/api/members");
                if (r == null || r.statusCode() != 200) {
                    return false;
                }
                JsonObject m = json(r.body());
                boolean master = self == 1;
                boolean lagsKnown = m.getJsonArray("members").stream().map(JsonObject.class::cast)
                        .allMatch(e -> e.containsKey("lagWrites") == master && e.getBoolean("voter"));
                return m.getJsonNumber("version").longValue() == 0 && m.getJsonArray("voters").size() == SIZE
                        && m.getJsonArray("learners").isEmpty() && "s1".equals(m.getString("master", null))
                        && m.getBoolean("changeReady") == master && lagsKnown;
            }), "s" + i + "'s /api/members: " + get(url(self) + "/api/members").body());
        }
    }

    /**
     * Each server read its own endpoint as the warm-up user (README, Operations, Warm-up), over
     * HTTPS trusting its own key, and every read was answered.
     */
    /** The curl line {@code group up} printed for a first try (README, The two commands) works as printed. */
    @Test
    @Order(1)
    void theWriteGroupUpPrintsToTryAnswers() throws Exception {
        java.nio.file.Path tryIt = group.file("try.sh");
        assertTrue(java.nio.file.Files.isRegularFile(tryIt), "group up wrote the line it printed to " + tryIt);
        Process p = new ProcessBuilder("bash", tryIt.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the curl line finished");
        assertEquals(0, p.exitValue(), "the printed curl line answered 2xx: " + out);
        assertTrue(out.contains("\"key\":\"greeting\""), "and wrote the key: " + out);
    }

    @Test
    @Order(1)
    void everyServerWarmedItsRequestPathAsItJoined() {
        for (int i = 1; i <= SIZE; i++) {
            int self = i;
            assertTrue(await(Duration.ofSeconds(60), () -> warmUp(self).startsWith("2000 reads of its own endpoint in ")),
                    "s" + i + " warmed up: " + warmUp(i));
        }
    }

    private static String warmUp(int i) {
        JsonObject s = status(i);
        return s == null ? "" : s.getJsonArray("events").getValuesAs(JsonObject.class).stream()
                .filter(e -> "WarmUp".equals(e.getString("type"))).map(e -> e.getString("detail")).findFirst().orElse("");
    }

    @Test
    @Order(2)
    @GroupExtension.Elects
    void killingTheMasterMakesIndexTwoMaster(LocalGroup group) {
        group.kill(1);
        assertTrue(await(Duration.ofSeconds(10), () -> soleReady() == 2), "only s2 is ready: " + readyList());
        assertBalancerRoutesTo(2);
        assertTrue(await(SETTLE, () -> master(3).equals("s2")));
    }

    @Test
    @Order(3)
    void theOldMasterRejoinsAsBackupWithoutPreempting(LocalGroup group) throws InterruptedException {
        group.start(1);
        assertTrue(await(SETTLE, () -> "BACKUP".equals(role(1)) && master(1).equals("s2")), "s1 follows s2");
        String epoch = status(2).getString("epoch");
        // past the preempt delay (regent.preempt.delay), when a preempting s1 would have taken over
        Thread.sleep(PREEMPT_DELAY_MS + 2_000);
        assertEquals(2, soleReady(), "s2 stays master: no preempt by default");
        assertEquals(epoch, status(1).getString("epoch"), "no election while s1 waited as a backup");
        assertBalancerRoutesTo(2);
    }

    @Test
    @Order(4)
    @GroupExtension.Elects
    void aPausedMasterStepsDownOnTheNewerEpoch(LocalGroup group) {
        String staleEpoch = status(2).getString("epoch");
        group.pause(2);
        try {
            assertTrue(await(Duration.ofSeconds(10), () -> ready(1)), "s1, best live backup, takes over");
        } finally {
            group.resume(2);
        }
        assertTrue(await(SETTLE, () -> !"MASTER".equals(role(2)) && master(2).equals("s1")),
                "s2 resumed and stepped down from epoch " + staleEpoch);
        assertEquals(1, soleReady());
        assertBalancerRoutesTo(1);
        assertTrue(epochTerm(status(2)) > Long.parseLong(staleEpoch.split("\\.")[0]));
    }

    @Test
    @Order(5)
    @GroupExtension.Elects
    void aPlannedHandoverMovesMastershipToTheBestBackup() {
        HttpResponse<String> r = post(url(1) + "/api/group/handover");
        assertEquals(202, r.statusCode(), r.body());
        assertEquals("s2", json(r.body()).getString("handedOverTo"));
        assertTrue(await(Duration.ofSeconds(5), () -> soleReady() == 2), "s2 took over: " + readyList());
        assertBalancerRoutesTo(2);
    }

    @Test
    @Order(6)
    void aHandoverAskedOfABackupIsRefusedWithTheMastersAddress() {
        HttpResponse<String> r = post(url(3) + "/api/group/handover");
        assertEquals(409, r.statusCode());
        JsonObject body = json(r.body());
        assertEquals("s2", body.getString("master"));
        assertEquals(url(2), body.getString("masterUrl"));
        assertEquals(url(2), r.headers().firstValue("Regent-Master-Url").orElse(null));
        HttpResponse<String> unknown = post(url(2) + "/api/group/handover?to=nobody");
        assertEquals(400, unknown.statusCode());
        assertTrue(json(unknown.body()).getString("error").contains("nobody"));
    }

    @Test
    @Order(7)
    @GroupExtension.Elects
    void aGracefulStopOfTheMasterHandsOver(LocalGroup group) {
        group.stop(2);
        assertTrue(await(Duration.ofSeconds(10), () -> soleReady() == 1), "s1 took over: " + readyList());
        assertBalancerRoutesTo(1);
        JsonObject s1 = status(1);
        assertNotNull(s1);
        boolean handedOver = s1.getJsonArray("events").getValuesAs(JsonObject.class).stream()
                .anyMatch(e -> e.getString("detail").contains("by handover"));
        assertTrue(handedOver, "s1 declared on a handover, not after a time-out");
        group.start(2);
        assertTrue(await(SETTLE, () -> "BACKUP".equals(role(2))));
    }

    /** The OpenAPI document (MicroProfile OpenAPI) describes every endpoint with its error bodies. */
    @Test
    @Order(8)
    void theOpenApiDocumentDescribesEveryEndpointAndItsErrors() {
        HttpResponse<String> r = get(url(1) + "/openapi?format=json");
        assertEquals(200, r.statusCode(), r.body());
        JsonObject doc = json(r.body());
        JsonObject paths = doc.getJsonObject("paths");
        for (String path : List.of("/api/kv", "/api/kv/{key}", "/api/group", "/api/group/master",
                "/api/group/handover", "/api/replication", "/api/members")) {
            assertTrue(paths.containsKey(path), "the document has " + path + ": " + paths.keySet());
        }
        JsonObject put = paths.getJsonObject("/api/kv/{key}").getJsonObject("put");
        for (String status : List.of("201", "307", "400", "412", "413", "503", "507")) {
            assertTrue(put.getJsonObject("responses").containsKey(status), "PUT documents " + status);
        }
        assertTrue(put.getJsonObject("responses").getJsonObject("412").toString().contains("Problem"),
                "an error answer's body is the Problem schema");
        assertTrue(doc.getJsonObject("components").getJsonObject("schemas").containsKey("Problem"));
        assertEquals(200, get(url(1) + "/openapi/ui/").statusCode(), "the UI is served");
    }

    // ---- helpers ------------------------------------------------------------------------

    /** A request through HAProxy (example config, routing by /health/ready) reaches server i. */
    private static void assertBalancerRoutesTo(int i) {
        String expected = "s" + i;
        assertTrue(await(Duration.ofSeconds(5), () -> {
            HttpResponse<String> r = get(group.balancerUrl() + "/api/group");
            return r != null && r.statusCode() == 200 && expected.equals(json(r.body()).getJsonObject("self").getString("id"));
        }), "HAProxy routes to " + expected);
    }

    /** The one server whose /health/ready is UP, or -1 if none or several. */
    private static int soleReady() {
        List<Integer> up = readyList();
        return up.size() == 1 ? up.get(0) : -1;
    }

    private static List<Integer> readyList() {
        List<Integer> up = new ArrayList<>();
        for (int i = 1; i <= SIZE; i++) {
            if (ready(i)) {
                up.add(i);
            }
        }
        return up;
    }

    private static String role(int i) {
        JsonObject s = status(i);
        return s == null ? "" : s.getString("role");
    }

    private static String master(int i) {
        JsonObject s = status(i);
        return s == null || s.getJsonObject("master").isNull("id") ? "" : s.getJsonObject("master").getString("id");
    }

    private static long epochTerm(JsonObject s) {
        return s.getJsonNumber("term").longValue();
    }

    /** Follows {@code master}, and lists the two others as heard with a measured delay. */
    private static boolean followsAndMeasures(int i, String master) {
        JsonObject s = status(i);
        if (s == null || s.getJsonObject("master").isNull("id") || !master.equals(s.getJsonObject("master").getString("id"))) {
            return false;
        }
        String self = "s" + i;
        JsonObject row = s.getJsonObject("delays").getJsonObject(self);
        return s.getJsonArray("members").getValuesAs(JsonObject.class).stream()
                .filter(m -> !m.getString("id").equals(self))
                .allMatch(m -> !m.isNull("lastSeenMillisAgo") && row.getJsonNumber(m.getString("id")).longValue() > 0);
    }
}

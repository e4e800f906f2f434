package io.regent.it;

import io.regent.api.Epoch;
import io.regent.net.NetworkLab;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.regent.it.LocalGroup.SIZE;
import static io.regent.it.LocalGroup.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example application (example/, deployed beside Regent on the network group) through a kill
 * -9, a SIGSTOP past an election and a network cut of the master, with clients issuing tickets
 * through HAProxy all along: every ticket acknowledged is read back, no number went to two
 * requests, the master-only job never ran in two mastership epochs at once, each server's
 * application was told its role events in order and in pairs, and the cut-off master was revoked
 * within the quorum window and a margin.
 */
@ExtendWith(GroupExtension.class)
@GroupExtension.Uses(SharedGroup.NETWORK)
@GroupExtension.Elects
@org.junit.jupiter.api.Order(9)
class ExampleIT {

    private static final Duration SETTLE = Duration.ofSeconds(120);
    /** regent.quorum.window, the default the group runs with. */
    private static final long QUORUM_WINDOW_MILLIS = 800;
    /** What this two-core machine adds to the quorum window before a cut-off master's application hears it. */
    private static final long STEP_DOWN_MARGIN_MILLIS = 1_000;
    private static final int CLIENTS = 4;
    /** Between a client's tickets: enough of them to cover every fault, few enough to read each back. */
    private static final long PACE_MILLIS = 50;

    private static LocalGroup group;
    private static NetworkLab lab;

    /** An acknowledged ticket, as the client was told. */
    private record Issued(String requestId, long number, String holder) { }

    @BeforeAll
    static void hosts(LocalGroup onHosts, GroupExtension.Groups groups) {
        group = onHosts;
        lab = groups.lab();
    }

    @Test
    void ticketsSurviveKillPauseAndCutAndTheMasterOnlyJobNeverRunsTwice() throws Exception {
        assertTrue(await(SETTLE, () -> group.allCaughtUp() && group.positions().size() == 1), "a settled group");
        Map<String, Issued> issued = new ConcurrentHashMap<>();
        List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            Thread t = new Thread(() -> issueUntil(stop, "c" + client, issued, unexpected), "ticket-client-" + c);
            t.setDaemon(true); // a client still retrying when the test ends must not hold the JVM
            t.start();
            clients.add(t);
        }
        long cutAt;
        int cutOff;
        try {
            awaitMore(issued, 20);
            int killed = master();
            group.kill(killed);
            group.awaitSoleReady(killed, SETTLE); // a new master after the kill
            awaitMore(issued, 10);
            group.start(killed);

            int paused = master();
            group.pause(paused);
            try {
                group.awaitSoleReady(paused, SETTLE); // a new master while the old one is paused
                awaitMore(issued, 10);
            } finally {
                group.resume(paused);
            }

            assertTrue(await(SETTLE, () -> group.allCaughtUp()), "every server caught up before the cut");
            cutOff = master();
            cutAt = System.currentTimeMillis();
            lab.cut(cutOff);
            try {
                group.awaitSoleReady(cutOff, SETTLE); // a new master on the majority side
                awaitMore(issued, 10);
                Thread.sleep(Math.max(0, cutAt + 5_000 - System.currentTimeMillis()));
            } finally {
                lab.heal(cutOff);
            }
            awaitMore(issued, 10);
        } finally {
            stop.set(true);
            for (Thread t : clients) {
                t.join(30_000);
            }
        }
        assertTrue(unexpected.isEmpty(), "answers no client should get: " + unexpected);
        assertTrue(await(SETTLE, () -> group.allCaughtUp() && group.positions().size() == 1),
                "every server holds the same state: " + group.positions());

        everyAcknowledgedTicketIsReadBackAndNoNumberWentTwice(issued);
        theJobNeverRanInTwoEpochsAtOnce();
        eachServerWasToldItsRolesInOrderAndInPairs();
        long stepDown = revokedAfterCut(cutOff, cutAt);
        System.out.println("ExampleIT: " + issued.size() + " tickets acknowledged; the cut-off master's application was "
                + "revoked " + stepDown + " ms after the cut (quorum window " + QUORUM_WINDOW_MILLIS + " ms)");
        assertTrue(stepDown <= QUORUM_WINDOW_MILLIS + STEP_DOWN_MARGIN_MILLIS, "revoked " + stepDown
                + " ms after the cut");
    }

    /** Issues tickets until told to stop, each request retried with its id until answered or 30 s have passed. */
    private static void issueUntil(AtomicBoolean stop, String client, Map<String, Issued> issued, List<String> unexpected) {
        int n = 0;
        while (!stop.get()) {
            String requestId = client + "-" + (++n);
            String holder = "holder of " + requestId;
            long giveUp = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < giveUp) {
                HttpResponse<String> r = LocalGroup.send(HttpRequest.newBuilder(URI.create(group.balancerUrl()
                        + "/example/api/tickets")).header("Authorization", Users.basic(Users.WRITER))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"requestId\":\"" + requestId + "\",\"holder\":\""
                                + holder + "\"}")));
                if (r != null && (r.statusCode() == 201 || r.statusCode() == 200)) {
                    JsonObject t = LocalGroup.json(r.body());
                    issued.put(requestId, new Issued(requestId, t.getJsonNumber("number").longValue(), t.getString("holder")));
                    sleep(PACE_MILLIS);
                    break;
                }
                // 503 and 307 say "not here, not now"; HAProxy's 502 and 504, that the server it chose failed
                if (r != null && r.statusCode() != 503 && r.statusCode() != 307 && r.statusCode() != 502
                        && r.statusCode() != 504) {
                    unexpected.add(r.statusCode() + " " + r.body());
                    break;
                }
                sleep(100);
            }
        }
    }

    private static void everyAcknowledgedTicketIsReadBackAndNoNumberWentTwice(Map<String, Issued> issued)
            throws InterruptedException {
        Map<Long, String> byNumber = new HashMap<>();
        for (Issued t : issued.values()) {
            String other = byNumber.put(t.number(), t.requestId());
            assertTrue(other == null, "ticket " + t.number() + " went to both " + other + " and " + t.requestId());
        }
        List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.ExecutorService readers = java.util.concurrent.Executors.newFixedThreadPool(CLIENTS);
        for (Issued t : issued.values()) {
            readers.execute(() -> {
                HttpResponse<String> r = null;
                // a read the group could not answer at once (no answer in time, 503 "retry shortly") is asked again
                for (int attempt = 0; attempt < 10 && (r == null || r.statusCode() == 503); attempt++) {
                    if (attempt > 0) {
                        sleep(200);
                    }
                    r = LocalGroup.get(group.balancerUrl() + "/example/api/tickets/" + t.number()
                            + "?consistency=linearizable");
                }
                if (r == null || r.statusCode() != 200) {
                    wrong.add(t + ": " + (r == null ? "no answer" : r.statusCode() + " " + r.body()));
                    return;
                }
                JsonObject read = LocalGroup.json(r.body());
                if (!read.getString("requestId").equals(t.requestId()) || !read.getString("holder").equals(t.holder())) {
                    wrong.add(t + ": read back as " + read);
                }
            });
        }
        readers.shutdown();
        assertTrue(readers.awaitTermination(5, java.util.concurrent.TimeUnit.MINUTES), "tickets read back in time");
        assertTrue(wrong.isEmpty(), wrong.size() + " acknowledged tickets not read back as issued, e.g. "
                + wrong.subList(0, Math.min(5, wrong.size())));
    }

    /** Runs of different epochs, in the order the group recorded them, must not overlap in time. */
    private static void theJobNeverRanInTwoEpochsAtOnce() {
        List<JsonObject> runs = new ArrayList<>();
        JsonArray page;
        do {
            HttpResponse<String> r = LocalGroup.get(group.url(1) + "/example/api/runs?after=" + runs.size());
            assertTrue(r != null && r.statusCode() == 200, "runs: " + (r == null ? "no answer" : r.body()));
            page = LocalGroup.readArray(r.body());
            page.getValuesAs(JsonObject.class).forEach(runs::add);
        } while (!page.isEmpty());
        assertTrue(runs.size() >= 10, "the job ran: " + runs.size() + " runs recorded");
        Map<String, long[]> spans = new java.util.LinkedHashMap<>();
        for (JsonObject run : runs) {
            spans.merge(run.getString("epoch"), new long[] {run.getJsonNumber("startMillis").longValue(),
                    run.getJsonNumber("endMillis").longValue()}, (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
        }
        assertTrue(spans.size() >= 3, "runs in the epochs of at least three masters: " + spans.keySet());
        List<Map.Entry<String, long[]>> ordered = new ArrayList<>(spans.entrySet());
        for (int i = 1; i < ordered.size(); i++) {
            long[] before = ordered.get(i - 1).getValue();
            long[] after = ordered.get(i).getValue();
            assertTrue(before[1] <= after[0], "runs of epoch " + ordered.get(i - 1).getKey() + " end at " + before[1]
                    + ", after runs of epoch " + ordered.get(i).getKey() + " began at " + after[0]);
        }
    }

    private static void eachServerWasToldItsRolesInOrderAndInPairs() {
        for (int i = 1; i <= SIZE; i++) {
            String granted = null;
            String last = null;
            for (JsonObject e : roles(i)) {
                String epoch = e.getString("epoch");
                if (e.getString("event").equals("granted")) {
                    assertTrue(granted == null, "s" + i + ": granted " + epoch + " while " + granted + " still held");
                    // the same epoch may be granted again (its master lost the broker and came back)
                    assertTrue(last == null || Epoch.parse(epoch).compareTo(Epoch.parse(last)) >= 0, "s" + i + ": granted " + epoch + " after "
                            + last);
                    granted = epoch;
                } else {
                    assertEquals(granted, epoch, "s" + i + ": revoked an epoch it was not granted");
                    granted = null;
                }
                last = epoch;
            }
        }
    }

    /** How long after the cut the cut-off master's application was told it is revoked. */
    private static long revokedAfterCut(int server, long cutAt) {
        for (JsonObject e : roles(server)) {
            if (e.getString("event").equals("revoked") && e.getJsonNumber("atMillis").longValue() >= cutAt) {
                return e.getJsonNumber("atMillis").longValue() - cutAt;
            }
        }
        throw new AssertionError("s" + server + " was never told it was revoked after the cut: " + roles(server));
    }

    private static List<JsonObject> roles(int i) {
        return group.exampleRoleEvents(i);
    }

    private static void awaitMore(Map<String, Issued> issued, int more) {
        int before = issued.size();
        assertTrue(await(SETTLE, () -> issued.size() >= before + more), "tickets go on being issued");
    }

    private static int master() {
        return group.awaitSoleReady(0, SETTLE);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

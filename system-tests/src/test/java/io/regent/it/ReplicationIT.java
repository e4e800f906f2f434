package io.regent.it;

import io.regent.client.Change;
import io.regent.client.RegentClient;
import io.regent.client.Watch;
import io.regent.load.ClientWorkload;
import io.regent.load.StoreReader;
import io.regent.load.Writer;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.regent.it.LocalGroup.SIZE;
import static io.regent.it.LocalGroup.await;
import static io.regent.it.LocalGroup.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replicated writes on real servers (DESIGN.md §3, §5 invariants 3-6): a workload of concurrent
 * clients writes through HAProxy while masters are killed with SIGKILL and paused with SIGSTOP
 * and a backup misses 10,000 writes; every write answered 2xx must be on the final master, and
 * all servers must end with the same digest.
 */
@ExtendWith(GroupExtension.class)
@GroupExtension.Uses
@org.junit.jupiter.api.Order(5)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicationIT {

    private static final Duration SETTLE = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().sslContext(io.regent.it.LocalGroup.trustingSelfSigned()).connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private static final HttpClient PATIENT = HttpClient.newBuilder().sslContext(io.regent.it.LocalGroup.trustingSelfSigned())
            .connectTimeout(Duration.ofSeconds(90)).followRedirects(HttpClient.Redirect.NEVER).build();
    private static LocalGroup group;

    @BeforeAll
    static void group(LocalGroup theGroup) {
        group = theGroup;
    }

    @Test
    @Order(1)
    void badInputGetsAClearErrorAndChangesNothing() {
        int m = master();
        String before = digest(m);
        assertProblem(put(m, "bad key!", "{\"value\":\"x\"}", Map.of()), 400, "key must be");
        assertProblem(put(m, "k", "not json", Map.of()), 400, "JSON object");
        assertProblem(put(m, "k", "{\"value\":42}", Map.of()), 400, "string field");
        assertProblem(put(m, "k", "{\"value\":\"" + "x".repeat(70_000) + "\"}", Map.of()), 413, "regent.kv.max-value-bytes");
        assertProblem(put(m, "k", "{\"value\":\"x\"}", Map.of("If-Match", "soon")), 400, "If-Match");
        assertProblem(send(HttpRequest.newBuilder(URI.create(group.url(m) + "/api/kv?limit=0")).GET()), 400, "limit");
        assertEquals(before, digest(m), "nothing was written");

        HttpResponse<String> created = put(m, "cas", "{\"value\":\"one\"}", Map.of("If-None-Match", "*"));
        assertEquals(201, created.statusCode(), created.body());
        assertEquals("\"1\"", created.headers().firstValue("ETag").orElse(""));
        assertProblem(put(m, "cas", "{\"value\":\"two\"}", Map.of("If-Match", "\"7\"")), 412, "another version");
        assertEquals(200, put(m, "cas", "{\"value\":\"two\"}", Map.of("If-Match", "\"1\"")).statusCode());
        JsonObject read = json(send(HttpRequest.newBuilder(URI.create(group.url(m) + "/api/kv/cas")).GET()).body());
        assertEquals("two", read.getString("value"));
        assertEquals(2, read.getInt("version"));

        // an idempotency key belongs to its user and to its write (DESIGN.md §3.6)
        String token = "token-" + System.nanoTime();
        assertEquals(201, put(m, "once-a", "{\"value\":\"first\"}", Map.of("Idempotency-Key", token)).statusCode());
        assertEquals(201, put(m, "once-a", "{\"value\":\"first\"}", Map.of("Idempotency-Key", token)).statusCode(),
                "a retry gets the first answer");
        assertProblem(put(m, "once-a", "{\"value\":\"second\"}", Map.of("Idempotency-Key", token)), 422, "another write");
        assertProblem(put(m, "once-b", "{\"value\":\"first\"}", Map.of("Idempotency-Key", token)), 422, "another write");
        HttpResponse<String> writers = sendAs(Users.WRITER, HttpRequest.newBuilder(URI.create(group.url(m) + "/api/kv/once-a"))
                .header("Idempotency-Key", token).PUT(HttpRequest.BodyPublishers.ofString("{\"value\":\"theirs\"}")));
        assertEquals(200, writers.statusCode(), "another user's same key is a write of its own: " + writers.body());
        assertEquals(404, get(m, "/api/kv/once-b").statusCode(), "the refused write changed nothing");
        assertEquals("theirs", json(get(m, "/api/kv/once-a").body()).getString("value"));
    }

    @Test
    @Order(2)
    void aWriteToABackupIsRedirectedToTheMaster() {
        int m = master();
        int b = m % SIZE + 1;
        HttpResponse<String> r = put(b, "redirected", "{\"value\":\"x\"}", Map.of());
        assertEquals(307, r.statusCode());
        assertEquals(group.url(m) + "/api/kv/redirected", r.headers().firstValue("Location").orElse(""));
    }

    /**
     * Watches and group events as a client sees them: a backup redirects a watch to the master,
     * the list without {@code watch} stays JSON, a stream reports each committed change under its
     * prefix once, and the group's events start with who is master.
     */
    @Test
    @Order(2)
    void watchesAndGroupEventsAreServerSentEvents() throws Exception {
        int m = master();
        int b = m % SIZE + 1;
        HttpResponse<String> redirected = get(b, "/api/kv?watch&prefix=w-");
        assertEquals(307, redirected.statusCode(), "a watch is served by the master");
        assertEquals(group.url(m) + "/api/kv?watch&prefix=w-", redirected.headers().firstValue("Location").orElse(""));
        assertProblem(get(m, "/api/kv?watch&after-seq=soon"), 400, "after-seq");
        HttpResponse<String> list = get(m, "/api/kv?prefix=w-");
        assertEquals(200, list.statusCode());
        assertTrue(list.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), "no watch: JSON");

        long start = group.replication(m).getJsonNumber("appliedSeq").longValue();
        List<Change> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Watch watcher = reader(List.of(group.url(m))).watch("w-", start, seen::add)) {
            assertEquals(201, put(m, "w-1", "{\"value\":\"one\"}", Map.of()).statusCode());
            assertEquals(201, put(m, "x-1", "{\"value\":\"elsewhere\"}", Map.of()).statusCode());
            assertEquals(412, put(m, "w-1", "{\"value\":\"two\"}", Map.of("If-Match", "\"9\"")).statusCode());
            assertEquals(200, send(HttpRequest.newBuilder(URI.create(group.url(m) + "/api/kv/w-1"))
                    .header("Authorization", Users.basic(Users.WRITER)).DELETE()).statusCode());
            assertTrue(await(Duration.ofSeconds(10), () -> seen.size() >= 2), "events: " + seen);
            List<Change> events = List.copyOf(seen);
            assertEquals(List.of("PUT w-1 1", "DELETE w-1 1"), events.stream()
                    .map(e -> e.type() + " " + e.key() + " " + e.version()).toList(), "only what changed under w-");
            assertTrue(events.get(0).seq() > start && events.get(1).seq() > events.get(0).seq());
        }

        HttpRequest events = HttpRequest.newBuilder(URI.create(group.url(b) + "/api/group/events"))
                .header("Authorization", Users.basic(Users.READER)).GET().build();
        HttpResponse<java.io.InputStream> stream = HTTP.send(events, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        assertTrue(stream.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        try (java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(stream.body(),
                java.nio.charset.StandardCharsets.UTF_8))) {
            String data = CompletableFuture.supplyAsync(() -> {
                try {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        if (line.startsWith("data:")) {
                            return line.substring(5).trim();
                        }
                    }
                } catch (IOException e) {
                    return null;
                }
                return null;
            }).get(10, TimeUnit.SECONDS);
            JsonObject role = json(data);
            assertEquals("s" + b, role.getString("server"));
            assertEquals("BACKUP", role.getString("role"));
            assertEquals("s" + m, role.getString("master"), "a backup's stream names the master at once");
        }
    }

    /**
     * A transaction as a client sees it: bad ones refused with a clear error and nothing written,
     * the branch its compares choose applied as one write whose changes a watch reports, a retry
     * with its idempotency key answered the first time's way, and a key named txn still a key.
     */
    @Test
    @Order(2)
    void aTransactionAppliesTheBranchItsComparesChooseAsOneWrite() throws Exception {
        int m = master();
        String t = "t" + System.nanoTime() + "-"; // this run's keys
        assertEquals(201, put(m, t + "a", "{\"value\":\"1\"}", Map.of()).statusCode());
        String before = digest(m);
        assertProblem(txn(m, "text/plain", "{}", Map.of()), 415, "application/json");
        assertProblem(txn(m, "application/json", "[1]", Map.of()), 400, "JSON object");
        assertProblem(txn(m, "application/json", "{\"compare\":[{\"key\":\"" + t + "a\",\"version\":1,\"exists\":true}]}",
                Map.of()), 400, "exactly one");
        assertProblem(txn(m, "application/json", "{\"success\":[{\"op\":\"put\",\"key\":\"" + t + "a\",\"value\":\"x\"},"
                + "{\"op\":\"delete\",\"key\":\"" + t + "a\"}]}", Map.of()), 400, "twice");
        assertProblem(txn(m, "application/json", "{\"success\":[" + String.join(",", java.util.Collections.nCopies(129,
                "{\"op\":\"delete\",\"key\":\"" + t + "z\"}")) + "]}", Map.of()), 413, "regent.kv.txn.max-operations");
        assertProblem(txn(m, "application/json", "{\"success\":[{\"op\":\"put\",\"key\":\"bad key\",\"value\":\"x\"}]}",
                Map.of()), 400, "key must be");
        assertProblem(txn(m, "application/json", "{\"success\":[{\"op\":\"put\",\"key\":\"" + t + "a\",\"value\":\"x\","
                + "\"version\":3}]}", Map.of()), 400, "not \"version\"");
        assertEquals(before, digest(m), "nothing was written");

        long start = group.replication(m).getJsonNumber("appliedSeq").longValue();
        List<Change> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        String body = "{\"compare\":[{\"key\":\"" + t + "a\",\"version\":1},{\"key\":\"" + t + "a\",\"value\":\"1\"},"
                + "{\"key\":\"" + t + "b\",\"exists\":false}],"
                + "\"success\":[{\"op\":\"put\",\"key\":\"" + t + "a\",\"value\":\"2\"},{\"op\":\"put\",\"key\":\"" + t + "b\",\"value\":\"b\"},"
                + "{\"op\":\"delete\",\"key\":\"" + t + "c\"}],"
                + "\"failure\":[{\"op\":\"put\",\"key\":\"" + t + "failed\",\"value\":\"f\"}]}";
        String token = "txn-" + System.nanoTime();
        try (Watch watcher = reader(List.of(group.url(m))).watch(t, start, seen::add)) {
            HttpResponse<String> first = txn(m, "application/json", body, Map.of("Idempotency-Key", token));
            assertEquals(200, first.statusCode(), first.body());
            JsonObject taken = json(first.body());
            assertTrue(taken.getBoolean("succeeded"), first.body());
            assertEquals(List.of(t + "a written 2", t + "b written 1", t + "c absent 0"), results(taken));
            assertEquals(first.body(), txn(m, "application/json", body, Map.of("Idempotency-Key", token)).body(),
                    "a retry gets the first answer, though the compares fail now");
            HttpResponse<String> second = txn(m, "application/json", body, Map.of());
            assertEquals(200, second.statusCode(), second.body());
            JsonObject failed = json(second.body());
            assertFalse(failed.getBoolean("succeeded"));
            assertEquals(List.of(t + "failed written 1"), results(failed));
            assertTrue(Long.parseLong(second.headers().firstValue("Regent-Seq").orElseThrow())
                    > Long.parseLong(first.headers().firstValue("Regent-Seq").orElseThrow()));
            assertTrue(await(Duration.ofSeconds(10), () -> seen.size() >= 3), "events: " + seen);
            List<Change> events = List.copyOf(seen);
            assertEquals(List.of("PUT " + t + "a 2 2", "PUT " + t + "b b 1", "PUT " + t + "failed f 1"), events.stream()
                    .map(e -> e.type() + " " + e.key() + " " + e.value() + " " + e.version()).toList());
            assertEquals(events.get(0).seq(), events.get(1).seq(), "one transaction, one position");
        }
        assertEquals("2", json(get(m, "/api/kv/" + t + "a").body()).getString("value"));
        assertEquals(2, put(m, "txn", "{\"value\":\"a key like any\"}", Map.of()).statusCode() / 100);
        assertEquals("a key like any", json(get(m, "/api/kv/txn").body()).getString("value"));
        assertEquals(200, send(HttpRequest.newBuilder(URI.create(group.url(m) + "/api/kv/txn")).DELETE()).statusCode());
    }

    private static HttpResponse<String> txn(int i, String contentType, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(group.url(i) + "/api/kv/txn"))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return send(b);
    }

    private static List<String> results(JsonObject txn) {
        return txn.getJsonArray("results").getValuesAs(JsonObject.class).stream()
                .map(r -> r.getString("key") + " " + r.getString("outcome") + " " + r.getInt("version")).toList();
    }

    @Test
    @Order(2)
    void readsAreAsCurrentAsAsked() {
        int m = master();
        int b = m % SIZE + 1;
        HttpResponse<String> written = put(m, "ryw", "{\"value\":\"mine\"}", Map.of());
        long seq = Long.parseLong(written.headers().firstValue("Regent-Seq").orElseThrow());
        HttpResponse<String> mine = get(b, "/api/kv/ryw?min-seq=" + seq);
        assertEquals(200, mine.statusCode(), "read-your-writes on a backup: " + mine.body());
        assertEquals("mine", json(mine.body()).getString("value"));
        assertTrue(Long.parseLong(mine.headers().firstValue("Regent-Applied").orElseThrow().split("@")[0]) >= seq);
        assertProblem(get(b, "/api/kv/ryw?min-seq=" + (seq + 1_000_000)), 503, "position " + (seq + 1_000_000));

        HttpResponse<String> redirected = get(b, "/api/kv/ryw?consistency=linearizable");
        assertEquals(307, redirected.statusCode(), "a backup cannot vouch for being current");
        assertEquals(group.url(m) + "/api/kv/ryw?consistency=linearizable",
                redirected.headers().firstValue("Location").orElse(""));
        long logBefore = group.replication(m).getJsonNumber("appliedSeq").longValue();
        for (int n = 0; n < 20; n++) {
            HttpResponse<String> linear = get(m, "/api/kv/ryw?consistency=linearizable");
            assertEquals(200, linear.statusCode(), linear.body());
            assertEquals("mine", json(linear.body()).getString("value"));
            assertTrue(Long.parseLong(linear.headers().firstValue("Regent-Applied").orElseThrow().split("@")[0]) >= seq,
                    "it reflects the write acknowledged before it");
            assertTrue(linear.headers().firstValue("Regent-Seq").isEmpty(), "it sequenced nothing");
        }
        assertEquals(200, get(m, "/api/kv?prefix=ry&consistency=linearizable").statusCode());
        assertEquals(logBefore, group.replication(m).getJsonNumber("appliedSeq").longValue(),
                "linearizable reads write nothing to the log");

        assertProblem(get(m, "/api/kv/ryw?consistency=strong"), 400, "consistency");
        assertProblem(get(m, "/api/kv/ryw?min-seq=soon"), 400, "min-seq");
    }

    /**
     * Beside clients writing through HAProxy, clients of the Java client library write to the
     * servers themselves: across the kills each of their writes is applied exactly once (every
     * key, written once by the application, is answered and found at version 1). The clients
     * never pause: each killed server restarts and catches up under their load, and the last
     * kill falls while the server killed before it is still restarting, so two faults overlap.
     * ({@code -Dregent.replication.kills=10} under {@code -Psoak}.)
     */
    @Test
    @Order(3)
    @GroupExtension.Elects
    void everyAcknowledgedWriteSurvivesKillsOfTheMasterUnderLoadOverlappingARestart() throws Exception {
        List<String> servers = new ArrayList<>();
        for (int i = 1; i <= SIZE; i++) {
            servers.add(group.url(i));
        }
        long start = group.replication(master()).getJsonNumber("appliedSeq").longValue();
        List<Change> watched = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Writer writer = new Writer(group.balancerUrl(), "kill", 4, 64, Long.MAX_VALUE).start();
                ClientWorkload library = new ClientWorkload(servers, "once", 2, () -> false).start();
                Watch watcher = reader(servers).watch("kill-", start, watched::add)) {
            int kills = Integer.getInteger("regent.replication.kills", 2);
            for (int cycle = 1; cycle <= kills; cycle++) {
                int old = master();
                awaitWritesFlowing(writer);
                group.killNow(old);
                assertTrue(await(SETTLE, () -> group.soleReady(old) > 0), "cycle " + cycle + ": a new master");
                awaitWritesFlowing(writer);
                if (cycle < kills) {
                    group.start(old);
                    awaitAllCaughtUp();
                    continue;
                }
                // the last kill overlaps a restart: the new master dies while the old one joins,
                // and the group is open again once the joiner has caught up
                CompletableFuture<Void> joining = CompletableFuture.runAsync(() -> group.start(old));
                Thread.sleep(5_000);
                int next = master();
                group.killNow(next);
                joining.get(5, TimeUnit.MINUTES);
                assertTrue(await(Duration.ofSeconds(240), () -> group.soleReady(next) > 0), "a master after the overlapping kill");
                awaitWritesFlowing(writer);
                group.start(next);
                awaitAllCaughtUp();
            }
            awaitWritesFlowing(writer);
            writer.stop();
            library.stop();
            assertTrue(writer.rejected().isEmpty(), "no write was refused as bad: " + writer.rejected());
            assertAllPresentOnTheMaster(writer, "kill-");
            assertAppliedExactlyOnce(library);
            assertWatchedEveryChangeOnce(watcher, watched, "kill-");
        }
        awaitConverged();
    }

    /**
     * The watch resumed on each new master after the last id it had: it saw, in order and once,
     * every version of every key the store holds under the prefix, and nothing else.
     */
    private static void assertWatchedEveryChangeOnce(Watch watcher, List<Change> watched, String prefix) {
        int m = master();
        long applied = group.replication(m).getJsonNumber("appliedSeq").longValue();
        assertTrue(await(Duration.ofSeconds(60), () -> watcher.position() >= applied),
                "the watch reached the master's position " + applied + ": it is at " + watcher.position());
        assertEquals(null, watcher.failure(), "the watch could not go on");
        List<Change> events = List.copyOf(watched);
        for (int i = 1; i < events.size(); i++) {
            assertTrue(events.get(i).seq() > events.get(i - 1).seq(), "in order, no repeat: " + events.get(i - 1)
                    + " then " + events.get(i));
        }
        Map<String, List<Long>> versions = new java.util.TreeMap<>();
        events.forEach(e -> versions.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e.version()));
        Map<String, List<Long>> expected = new java.util.TreeMap<>();
        storedVersions(m, prefix).forEach((key, version) -> expected.put(key,
                java.util.stream.LongStream.rangeClosed(1, version).boxed().toList()));
        assertEquals(expected.keySet(), versions.keySet(), "the watch saw exactly the keys the store holds");
        assertEquals(expected, versions, "each version of each key once");
        System.out.printf("ReplicationIT: a watch of %s saw %d changes in %d streams across the kills, none missed or "
                + "repeated%n", prefix, events.size(), watcher.streams());
    }

    /** A client of the library, as regent-reader. */
    private static RegentClient reader(List<String> servers) {
        return RegentClient.builder(servers.stream().map(URI::create).toArray(URI[]::new))
                .credentials(Users.READER, Users.password(Users.READER)).sslContext(LocalGroup.trustingSelfSigned()).build();
    }

    /** Every key under {@code prefix} on server {@code m}, with its version. */
    private static Map<String, Long> storedVersions(int m, String prefix) {
        Map<String, Long> stored = new java.util.HashMap<>();
        String after = null;
        do {
            String query = "/api/kv?prefix=" + prefix + "&limit=1000" + (after == null ? "" : "&after=" + after);
            JsonObject page = json(get(m, query).body());
            for (JsonObject item : page.getJsonArray("items").getValuesAs(JsonObject.class)) {
                stored.put(item.getString("key"), item.getJsonNumber("version").longValue());
            }
            after = page.isNull("next") ? null : page.getString("next");
        } while (after != null);
        return stored;
    }

    private static void assertAppliedExactlyOnce(ClientWorkload library) {
        assertTrue(library.failures().isEmpty(), "the library gave up on: " + library.failures());
        assertTrue(library.answered().size() > 100, "the library's clients wrote: " + library.answered().size());
        Map<String, Long> stored = storedVersions(master(), "once-");
        library.answered().forEach((key, version) -> {
            assertEquals(1L, version, key + " was answered at version " + version);
            assertEquals(1L, stored.get(key), key + " is at version " + stored.get(key) + " on the master");
        });
        System.out.printf("ReplicationIT: the client library wrote %d keys across the kills, each applied once%n",
                library.answered().size());
    }

    @Test
    @Order(4)
    @GroupExtension.Elects
    void aPausedMasterIsFencedOffWhenItResumesAndNothingIsLost() throws Exception {
        int old = master();
        String oldEpoch = group.status(old).getString("epoch");
        try (Writer writer = new Writer(group.balancerUrl(), "stale", 4, 64, Long.MAX_VALUE).start()) {
            awaitWritesFlowing(writer);
            group.pause(old);
            // a write that reaches the old master while it is stopped waits in its socket (its own
            // client: the TLS handshake too must wait for the stopped server)
            CompletableFuture<HttpResponse<String>> stalled = PATIENT.sendAsync(
                    HttpRequest.newBuilder(URI.create(group.url(old) + "/api/kv/stale-direct"))
                            .header("Authorization", Users.basic(Users.WRITER)).header("If-Regent-Epoch", oldEpoch)
                            .timeout(Duration.ofSeconds(90)).PUT(HttpRequest.BodyPublishers.ofString("{\"value\":\"late\"}"))
                            .build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(await(SETTLE, () -> group.soleReady(old) > 0), "a new master while the old one is stopped");
            awaitWritesFlowing(writer);
            // a fencing token of the old mastership: the new master refuses it
            assertProblem(put(master(), "stale-fenced", "{\"value\":\"late\"}", Map.of("If-Regent-Epoch", oldEpoch)),
                    409, "nothing was written");
            group.resume(old);
            HttpResponse<String> late = stalled.get(90, TimeUnit.SECONDS);
            assertNotEquals(2, late.statusCode() / 100, "the stale master accepted a write: " + late.body());
            assertTrue(await(SETTLE, () -> "BACKUP".equals(role(old))), "the old master stepped down");
            awaitWritesFlowing(writer);
            writer.stop();
            assertAllPresentOnTheMaster(writer, "stale-");
        }
        assertFalse(StoreReader.read(group.url(master()), "stale-direct").containsKey("stale-direct"));
        assertEquals(404, get(master(), "/api/kv/stale-fenced").statusCode(), "no fenced write was applied");
        awaitConverged();
    }

    @Test
    @Order(5)
    void aBackupThatMissedTenThousandWritesFetchesOnlyTheTailFromItsDisk() {
        awaitAllCaughtUp();
        int m = master();
        int b = m % SIZE + 1;
        group.killNow(b);
        try (Writer writer = new Writer(group.balancerUrl(), "bulk", 16, 32, 625).start()) {
            writer.join();
            assertEquals(10_000, writer.acknowledgedCount(), "writes while s" + b + " was down");
            group.start(b);
            awaitAllCaughtUp();
            JsonObject rejoined = group.replication(b);
            assertEquals(0, rejoined.getJsonNumber("snapshotsInstalled").longValue(), "no snapshot: " + rejoined);
            long fetched = rejoined.getJsonNumber("bytesFetched").longValue();
            // each write is a command of about 60 bytes: the 10,000 it missed, not the whole store
            assertTrue(fetched < 1_500_000, "fetched " + fetched + " bytes");
            System.out.printf("s%d replayed its disk and fetched %,d bytes to catch up with 10,000 writes%n", b, fetched);
            assertAllPresentOnTheMaster(writer, "bulk-");
        }
        awaitConverged();
    }

    @Test
    @Order(6)
    void aServerThatLostItsDiskRejoinsBySnapshot() {
        awaitAllCaughtUp();
        int m = master();
        int b = m % SIZE + 1;
        group.stop(b);
        group.wipeData(b);
        group.start(b);
        awaitAllCaughtUp();
        JsonObject rejoined = group.replication(b);
        assertTrue(rejoined.getJsonNumber("snapshotsInstalled").longValue() >= 1, "rejoined by snapshot: " + rejoined);
        assertTrue(rejoined.getJsonNumber("keys").longValue() > 10_000, "the whole store: " + rejoined);
        awaitConverged();
    }

    // ---- helpers ------------------------------------------------------------------------

    private static void assertAllPresentOnTheMaster(Writer writer, String prefix) {
        int m = master();
        Map<String, String> stored = StoreReader.read(group.url(m), prefix);
        List<String> lost = new ArrayList<>();
        writer.acknowledged().forEach((k, v) -> {
            if (!v.equals(stored.get(k))) {
                lost.add(k);
            }
        });
        assertTrue(writer.acknowledgedCount() > 0);
        assertTrue(lost.isEmpty(), lost.size() + " of " + writer.acknowledgedCount()
                + " acknowledged writes are missing on s" + m + ", e.g. " + lost.subList(0, Math.min(5, lost.size())));
    }

    private static void awaitAllCaughtUp() {
        assertTrue(await(Duration.ofSeconds(120), group::allCaughtUp), "every server caught up, one master open");
    }

    /** All servers end with the same state: same position and digest. */
    private static void awaitConverged() {
        assertTrue(await(SETTLE, () -> group.positions().size() == 1), "servers differ: " + group.positions());
    }

    private static void awaitWritesFlowing(Writer writer) {
        long before = writer.acknowledgedCount();
        assertTrue(await(SETTLE, () -> writer.acknowledgedCount() >= before + 50),
                "writes go through (retried: " + writer.retriedStatuses() + ")");
    }

    private static int master() {
        int[] found = new int[1];
        assertTrue(await(SETTLE, () -> (found[0] = group.soleReady(0)) > 0), "one ready master");
        return found[0];
    }

    private static String role(int i) {
        JsonObject s = group.status(i);
        return s == null ? null : s.getString("role");
    }

    private static String digest(int i) {
        return group.replication(i).getString("digest");
    }

    private static HttpResponse<String> put(int i, String key, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(group.url(i) + "/api/kv/" + key.replace(" ", "%20")))
                .PUT(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return send(b);
    }

    private static HttpResponse<String> get(int i, String pathAndQuery) {
        return send(HttpRequest.newBuilder(URI.create(group.url(i) + pathAndQuery)).GET());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        // regent-admin holds every role: these tests are about replication, not access
        return sendAs(Users.ADMIN, request);
    }

    private static HttpResponse<String> sendAs(String user, HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(15)).setHeader("Authorization", Users.basic(user))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void assertProblem(HttpResponse<String> r, int status, String mentions) {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.body());
        JsonObject body = json(r.body());
        assertEquals(status, body.getInt("status"));
        assertTrue(body.getString("error").contains(mentions), body.getString("error"));
    }
}

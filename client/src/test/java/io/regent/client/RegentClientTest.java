package io.regent.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client's routing and retries against two local HTTP endpoints that answer as Regent's
 * servers do (a backup's 307, a master's in-doubt 503); the real group is exercised by the
 * system tests (ReplicationIT).
 */
class RegentClientTest {

    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(s -> s.stop(0));
    }

    @Test
    void followsTheMasterAndRetriesAnInDoubtWriteWithTheSameIdempotencyKey() {
        List<String> keysSeen = new CopyOnWriteArrayList<>();
        AtomicInteger attempts = new AtomicInteger();
        URI master = serve(x -> {
            keysSeen.add(x.getRequestHeaders().getFirst("Idempotency-Key"));
            if (attempts.incrementAndGet() == 1) {
                answer(x, 503, "{\"status\":503,\"error\":\"write not confirmed\",\"inDoubt\":true}");
            } else {
                answer(x, 201, "{\"key\":\"k\",\"version\":1,\"epoch\":\"2.1\"}");
            }
        });
        URI backup = serve(x -> {
            x.getResponseHeaders().add("Location", master + "api/kv/k");
            answer(x, 307, "");
        });
        RegentClient client = RegentClient.builder(backup, master).credentials("w", "p").build();
        Item written = client.put("k", "v");
        assertEquals(1, written.version());
        assertEquals(2, keysSeen.size(), "the in-doubt write was retried");
        assertEquals(keysSeen.get(0), keysSeen.get(1), "with the key of its first attempt");
        assertTrue(keysSeen.get(0).length() >= 16);
    }

    @Test
    void aTransactionIsPostedAsJsonAndItsRetryKeepsItsIdempotencyKey() {
        List<String> keysSeen = new CopyOnWriteArrayList<>();
        List<String> bodies = new CopyOnWriteArrayList<>();
        URI master = serve(x -> {
            keysSeen.add(x.getRequestHeaders().getFirst("Idempotency-Key"));
            bodies.add(x.getRequestMethod() + " " + x.getRequestURI().getPath() + " "
                    + x.getRequestHeaders().getFirst("Content-Type") + " "
                    + new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            if (keysSeen.size() == 1) {
                answer(x, 503, "{\"status\":503,\"error\":\"write not confirmed\",\"inDoubt\":true}");
            } else {
                answer(x, 200, "{\"succeeded\":false,\"epoch\":\"2.1\",\"results\":[{\"key\":\"c\",\"outcome\":\"absent\",\"version\":0}]}");
            }
        });
        TxnResult r = RegentClient.builder(master).build().txn(Txn.create().ifVersion("a", 3).ifAbsent("b")
                .thenPut("a", "x").elseDelete("c"));
        assertEquals(new TxnResult(false, List.of(new TxnResult.Written("c", "absent", 0))), r);
        assertEquals(2, keysSeen.size());
        assertEquals(keysSeen.get(0), keysSeen.get(1), "the retry carries the first attempt's key");
        assertEquals("POST /api/kv/txn application/json {\"compare\":[{\"key\":\"a\",\"version\":3},"
                + "{\"key\":\"b\",\"exists\":false}],\"success\":[{\"op\":\"put\",\"key\":\"a\",\"value\":\"x\"}],"
                + "\"failure\":[{\"op\":\"delete\",\"key\":\"c\"}]}", bodies.get(1));
    }

    @Test
    void aRedirectBeyondTheConfiguredServersIsNotFollowedAndGetsNoCredentials() {
        AtomicInteger elsewhere = new AtomicInteger();
        URI stranger = serve(x -> {
            elsewhere.incrementAndGet();
            answer(x, 200, "{\"key\":\"k\",\"value\":\"v\",\"version\":1}");
        });
        URI member = serve(x -> {
            x.getResponseHeaders().add("Location", stranger + "api/kv/k");
            answer(x, 307, "");
        });
        RegentClient client = RegentClient.builder(member).credentials("w", "p").deadline(Duration.ofMillis(500)).build();
        RegentException e = assertThrows(RegentException.class, () -> client.get("k"));
        assertTrue(e.getMessage().contains("not one of the configured servers"), e.getMessage());
        assertEquals(0, elsewhere.get(), "the stranger was never asked, so never given the password");
    }

    @Test
    void aRefusalIsNotRetriedAndAMissingKeyIsEmpty() {
        AtomicInteger attempts = new AtomicInteger();
        URI server = serve(x -> {
            attempts.incrementAndGet();
            if (x.getRequestMethod().equals("GET")) {
                answer(x, 404, "{\"status\":404,\"error\":\"no such key\"}");
            } else {
                answer(x, 412, "{\"status\":412,\"error\":\"the key is at another version\"}");
            }
        });
        RegentClient client = RegentClient.builder(server).build();
        assertEquals(Optional.empty(), client.get("k"));
        RegentException e = assertThrows(RegentException.class, () -> client.put("k", "v"));
        assertEquals(412, e.status());
        assertEquals("the key is at another version", e.getMessage());
        assertEquals(2, attempts.get());
    }

    @Test
    void theWebContainersOwn404WhileRegentStartsIsRetriedNotTakenForAMissingKey() {
        AtomicInteger attempts = new AtomicInteger();
        URI server = serve(x -> {
            if (attempts.incrementAndGet() == 1) {
                answer(x, 404, "<html><body>Context Root Not Found</body></html>");
            } else {
                answer(x, 200, "{\"key\":\"k\",\"value\":\"v\",\"version\":3}");
            }
        });
        RegentClient client = RegentClient.builder(server).build();
        assertEquals(Optional.of(new Item("k", "v", 3)), client.get("k"));
        assertEquals(2, attempts.get());
    }

    @Test
    void aWatchResumesOnTheNextMasterAfterTheLastIdItReceived() throws Exception {
        List<String> resumedAfter = new CopyOnWriteArrayList<>();
        URI next = serve(x -> {
            resumedAfter.add(x.getRequestHeaders().getFirst("Last-Event-ID"));
            stream(x, "event: put\nid: 7\ndata: {\"seq\":7,\"type\":\"put\",\"key\":\"a/2\",\"value\":\"y\",\"version\":1}\n\n");
        });
        AtomicInteger calls = new AtomicInteger();
        URI first = serve(x -> {
            if (calls.incrementAndGet() == 1) {
                stream(x, "event: progress\nid: 5\ndata: {\"seq\":5}\n\n"
                        + "event: put\nid: 6\ndata: {\"seq\":6,\"type\":\"put\",\"key\":\"a/1\",\"value\":\"x\",\"version\":3}\n\n"
                        + "event: end\ndata: {\"reason\":\"no longer the master\",\"compacted\":false}\n\n");
            } else {
                x.getResponseHeaders().add("Location", next + "api/kv?watch&prefix=a/");
                answer(x, 307, ""); // it stepped down: the next master
            }
        });
        List<Change> seen = new CopyOnWriteArrayList<>();
        try (Watch w = RegentClient.builder(first, next).build().watch("a/", 5, seen::add)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (seen.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(List.of(new Change(6, Change.Type.PUT, "a/1", "x", 3), new Change(7, Change.Type.PUT, "a/2", "y", 1)),
                    seen);
            assertEquals("6", resumedAfter.get(0), "resumed after the last id, on the master the 307 named");
            assertEquals(7, w.position());
            assertEquals(null, w.failure());
        }
    }

    @Test
    void aTransactionCutMidStreamReachesTheListenerOnceAndWhole() throws Exception {
        String a = "event: put\ndata: {\"seq\":9,\"type\":\"put\",\"key\":\"a/1\",\"value\":\"x\",\"version\":2}\n\n";
        String b = "event: put\nid: 9\ndata: {\"seq\":9,\"type\":\"put\",\"key\":\"a/2\",\"value\":\"y\",\"version\":1}\n\n";
        List<String> resumedAfter = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        URI master = serve(x -> {
            resumedAfter.add(x.getRequestHeaders().getFirst("Last-Event-ID"));
            stream(x, calls.incrementAndGet() == 1 ? a : a + b); // the first stream breaks inside the transaction
        });
        List<Change> seen = new CopyOnWriteArrayList<>();
        try (Watch w = RegentClient.builder(master).build().watch("a/", 8, seen::add)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (w.position() < 9 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(List.of(new Change(9, Change.Type.PUT, "a/1", "x", 2), new Change(9, Change.Type.PUT, "a/2", "y", 1)),
                    seen);
            assertEquals(List.of("8", "8"), resumedAfter.subList(0, 2), "resumed before the transaction");
        }
    }

    private static void stream(HttpExchange x, String events) throws IOException {
        x.getResponseHeaders().add("Content-Type", "text/event-stream");
        x.sendResponseHeaders(200, 0);
        x.getResponseBody().write(events.getBytes(StandardCharsets.UTF_8));
        x.getResponseBody().flush();
    }

    @Test
    void noAnswerBeforeTheDeadlineSaysSo() {
        RegentClient client = RegentClient.builder(URI.create("http://127.0.0.1:1")).deadline(Duration.ofMillis(300))
                .build();
        RegentException e = assertThrows(RegentException.class, () -> client.put("k", "v"));
        assertEquals(0, e.status());
        assertTrue(e.getMessage().startsWith("no answer within 300 ms"), e.getMessage());
    }

    private interface Handler {
        void handle(HttpExchange x) throws IOException;
    }

    private URI serve(Handler handler) {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            s.createContext("/", x -> {
                try (x) {
                    handler.handle(x);
                }
            });
            s.start();
            servers.add(s);
            return URI.create("http://127.0.0.1:" + s.getAddress().getPort() + "/");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void answer(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            x.getResponseBody().write(bytes);
        }
    }
}

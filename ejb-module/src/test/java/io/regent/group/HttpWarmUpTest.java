package io.regent.group;

import com.sun.net.httpserver.HttpServer;
import io.regent.host.RegentSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The warm-up against a real HTTP server: what it sends, and that it gives up on a refusal. */
class HttpWarmUpTest {

    private HttpServer server;
    private final List<String> seen = Collections.synchronizedList(new ArrayList<>());
    private final List<String> reports = Collections.synchronizedList(new ArrayList<>());

    private String serve(int status) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void itReadsItsOwnEndpointAsTheWarmUpUserAsManyTimesAsConfigured() throws IOException {
        String url = serve(404);
        new HttpWarmUp(url, new RegentSettings.WarmUp("warm", "pw:1", 10, null, null), reports::add).run();
        String basic = "Basic " + Base64.getEncoder().encodeToString("warm:pw:1".getBytes());
        assertEquals(12, seen.size(), "a first read to find the endpoint open, one for a key to read, then 10: " + seen);
        assertTrue(seen.stream().allMatch(s -> s.startsWith("GET /api/kv") && s.endsWith(basic)), seen.toString());
        assertTrue(seen.contains("GET /api/kv/regent-warm-up " + basic), "a key is read: " + seen);
        assertTrue(seen.contains("GET /api/kv?prefix=regent-warm-up&limit=1 " + basic), "a page is read: " + seen);
        assertEquals(1, reports.size());
        assertTrue(reports.get(0).startsWith("10 reads of its own endpoint in "), reports.toString());
    }

    /** The key reads, when the page asked for the store's first key is {@code page}. */
    private List<String> keyReadsWhenTheFirstPageIs(String page) throws IOException {
        seen.clear();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            seen.add(exchange.getRequestURI().toString());
            byte[] body = page.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            boolean firstKey = exchange.getRequestURI().toString().equals("/api/kv?limit=1");
            exchange.sendResponseHeaders(200, firstKey ? body.length : -1);
            if (firstKey) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        try {
            new HttpWarmUp("http://127.0.0.1:" + server.getAddress().getPort(),
                    new RegentSettings.WarmUp("warm", "pw", 4, null, null), reports::add).run();
        } finally {
            server.stop(0);
            server = null;
        }
        assertEquals(List.of("/api/kv?prefix=regent-warm-up&limit=1", "/api/kv?limit=1"), seen.subList(0, 2),
                "the endpoint found open, then the store's first key asked for");
        return seen.stream().skip(2).filter(uri -> !uri.startsWith("/api/kv?")).toList();
    }

    @Test
    void itReadsTheStoresFirstKeySoThatItsReadsAnswer200AndKeepTheConnection() throws IOException {
        assertEquals(List.of("/api/kv/app:a-1", "/api/kv/app:a-1"), keyReadsWhenTheFirstPageIs(
                "{\"items\":[{\"key\":\"app:a-1\",\"value\":\"v\",\"version\":1}],\"next\":\"app:a-1\"}"));
    }

    @Test
    void anEmptyStoreOrAPageItCannotUseLeavesItReadingAKeyNobodyWrote() throws IOException {
        List<String> absent = List.of("/api/kv/regent-warm-up", "/api/kv/regent-warm-up");
        for (String page : List.of("{\"items\":[]}", "{\"items\":[1]}", "{\"items\":\"x\"}", "[]", "not json",
                "{\"items\":[{\"key\":7}]}", "{\"items\":[{\"key\":\"a/b\"}]}", "{\"items\":[{\"key\":\"..\"}]}")) {
            assertEquals(absent, keyReadsWhenTheFirstPageIs(page), page);
        }
    }

    @Test
    void aRefusalStopsItAndSaysWhichSettingsToCheck() throws IOException {
        String url = serve(401);
        new HttpWarmUp(url, new RegentSettings.WarmUp("warm", "wrong", 10, null, null), reports::add).run();
        assertEquals(3, seen.size(), "the first read, the one for a key, then one refused: " + seen);
        assertEquals(List.of("stopped after 0 reads: HTTP 401 (is regent.warmup.user a reader, with its password in "
                + "regent.warmup.password?)"), reports);
    }

    @Test
    void itWaitsForTheEndpointToOpen() throws Exception {
        java.net.ServerSocket reserved = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"));
        int port = reserved.getLocalPort();
        reserved.close();
        AtomicInteger answered = new AtomicInteger();
        Thread warmUp = new Thread(new HttpWarmUp("http://127.0.0.1:" + port,
                new RegentSettings.WarmUp("warm", "pw", 4, null, null), reports::add));
        warmUp.start();
        Thread.sleep(600); // refused meanwhile
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", exchange -> {
            answered.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        warmUp.join(10_000);
        assertEquals(6, answered.get());
        assertTrue(reports.get(0).startsWith("4 reads"), reports.toString());
    }
}

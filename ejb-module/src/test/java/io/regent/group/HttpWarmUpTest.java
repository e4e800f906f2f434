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
        assertEquals(11, seen.size(), "a first read to find the endpoint open, then 10: " + seen);
        assertTrue(seen.stream().allMatch(s -> s.startsWith("GET /api/kv") && s.endsWith(basic)), seen.toString());
        assertTrue(seen.contains("GET /api/kv/regent-warm-up " + basic), "a key is read: " + seen);
        assertTrue(seen.contains("GET /api/kv?prefix=regent-warm-up&limit=1 " + basic), "a page is read: " + seen);
        assertEquals(1, reports.size());
        assertTrue(reports.get(0).startsWith("10 reads of its own endpoint in "), reports.toString());
    }

    @Test
    void aRefusalStopsItAndSaysWhichSettingsToCheck() throws IOException {
        String url = serve(401);
        new HttpWarmUp(url, new RegentSettings.WarmUp("warm", "wrong", 10, null, null), reports::add).run();
        assertEquals(2, seen.size(), "the first read, then one refused: " + seen);
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
        assertEquals(5, answered.get());
        assertTrue(reports.get(0).startsWith("4 reads"), reports.toString());
    }
}

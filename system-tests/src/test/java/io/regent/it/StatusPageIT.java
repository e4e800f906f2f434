package io.regent.it;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.regent.it.LocalGroup.SIZE;
import static io.regent.it.LocalGroup.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The status page as a browser renders it: headless Chromium (Debian {@code chromium}) loads it
 * from the master after a planned handover and some writes, runs its script, and the rendered
 * DOM must show the role timeline, the handover in the failover table with its outage, the
 * commit latency chart and each member's lag. A local proxy adds the reader's credentials (a
 * headless browser cannot answer the Basic challenge) and writes a screenshot to target/.
 */
@ExtendWith(GroupExtension.class)
@GroupExtension.Uses
@GroupExtension.Elects
@org.junit.jupiter.api.Order(4)
class StatusPageIT {

    private static final HttpClient HTTPS = HttpClient.newBuilder().sslContext(LocalGroup.trustingSelfSigned())
            .connectTimeout(Duration.ofSeconds(2)).build();
    private static LocalGroup group;
    private static HttpServer proxy;

    @BeforeAll
    static void group(LocalGroup theGroup) {
        group = theGroup;
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.stop(0);
        }
    }

    /**
     * A handover, some writes, then the new master's page rendered in Chromium (niced, so that a
     * browser starting on two cores does not starve the servers). The planned handover is the only
     * change of master allowed: an election while the browser runs fails the test.
     */
    @Test
    void theRenderedPageShowsTheTimelineTheHandoverTheLatencyAndTheLag() throws Exception {
        Rendered r = handOverAndRender();
        assertEquals(r.master(), r.masterAfter(), "no election while the browser ran");
        assertEquals(r.epoch(), group.newestEpoch(), "no election while the browser ran");
        String dom = r.dom();
        assertFalse(dom.contains("cannot reach this server"), "the page's script reached the server");
        assertTrue(dom.contains("class=\"span MASTER\""), "the timeline shows this server as master");
        assertTrue(dom.contains("class=\"mark Declared\""), "and marks its declaration");
        Matcher failover = Pattern.compile("<td>handover</td><td>(\\d+) ms").matcher(dom);
        assertTrue(failover.find(), "the handover is in the failover table with its outage");
        assertTrue(dom.contains("class=\"latency p99\""), "the commit latency chart is drawn");
        for (int i = 1; i <= SIZE; i++) {
            assertTrue(dom.contains("<td>s" + i + "</td>"), "member s" + i + " is listed");
        }
        Matcher lag = Pattern.compile("<td>\\d+ ms ago</td><td>(\\d+)</td>").matcher(dom);
        assertTrue(lag.find(), "the lag column is filled");
        assertTrue(Files.size(r.screenshot()) > 10_000, "a screenshot was taken");
        System.out.printf("StatusPageIT: handover outage %s ms; screenshot %s%n", failover.group(1), r.screenshot());
    }

    private record Rendered(int master, String epoch, int masterAfter, String dom, Path screenshot) { }

    private static Rendered handOverAndRender() throws Exception {
        int old = group.soleReady(0);
        assertEquals(202, LocalGroup.post(group.url(old) + "/api/group/handover").statusCode());
        int[] master = new int[1];
        assertTrue(await(Duration.ofSeconds(20), () -> (master[0] = group.soleReady(old)) > 0), "a new master");
        for (int n = 0; n < 30; n++) {
            HttpResponse<String> w = LocalGroup.send(HttpRequest.newBuilder(URI.create(group.url(master[0])
                    + "/api/kv/status-page-" + n)).header("Authorization", Users.basic(Users.WRITER))
                    .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"value\":\"x\"}")));
            assertTrue(w != null && w.statusCode() / 100 == 2, "a write");
        }
        String epoch = group.newestEpoch();
        String page = "http://127.0.0.1:" + proxyTo(group.url(master[0])) + "/";
        Path screenshot = Path.of("target", "status-page.png").toAbsolutePath();
        String dom = chromium(List.of("--dump-dom", page));
        chromium(List.of("--screenshot=" + screenshot, "--window-size=1000,1500", page));
        int[] after = new int[1];
        assertTrue(await(Duration.ofSeconds(20), () -> (after[0] = group.soleReady(0)) > 0), "a master");
        return new Rendered(master[0], epoch, after[0], dom, screenshot);
    }

    /** Runs headless Chromium with {@code args}; its standard output. */
    private static String chromium(List<String> args) throws IOException, InterruptedException {
        // niced: a browser starting on two cores must not starve the servers it is looking at
        List<String> command = new java.util.ArrayList<>(List.of("nice", "-n", "19", "chromium", "--headless=new", "--no-sandbox",
                "--disable-gpu", "--disable-dev-shm-usage", "--virtual-time-budget=8000"));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "chromium finished");
            return out;
        } finally {
            p.destroyForcibly();
        }
    }

    /** A local HTTP proxy to {@code target} that adds the reader's credentials; its port. */
    private static int proxyTo(String target) throws IOException {
        if (proxy != null) {
            proxy.stop(0); // the previous attempt's
        }
        proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        proxy.createContext("/", exchange -> {
            try (exchange) {
                HttpResponse<byte[]> r = HTTPS.send(HttpRequest.newBuilder(URI.create(target
                        + exchange.getRequestURI())).header("Authorization", Users.basic(Users.READER)).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                r.headers().firstValue("Content-Type").ifPresent(t -> exchange.getResponseHeaders().set("Content-Type", t));
                exchange.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(r.body());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        proxy.start();
        return proxy.getAddress().getPort();
    }
}

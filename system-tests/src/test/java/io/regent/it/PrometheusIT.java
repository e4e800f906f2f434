package io.regent.it;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.regent.it.LocalGroup.SIZE;
import static io.regent.it.LocalGroup.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Prometheus (Debian's {@code prometheus}) scrapes the three servers with the configuration
 * bin/group writes from the shipped {@code server-config/prometheus/regent.yml}: it must see every
 * server up, know which one is master, and hold the master's commit latency; and every query of
 * the shipped Grafana dashboard must be valid PromQL that Prometheus answers.
 */
@ExtendWith(GroupExtension.class)
@GroupExtension.Uses
@org.junit.jupiter.api.Order(3)
class PrometheusIT {

    private static final String ADDRESS = "127.0.0.1:9690";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static LocalGroup group;
    private static Process prometheus;

    @BeforeAll
    static void scrape(LocalGroup theGroup) throws IOException {
        group = theGroup;
        Path data = Path.of("target", "prometheus-data").toAbsolutePath();
        Files.createDirectories(data);
        prometheus = new ProcessBuilder("prometheus", "--config.file=" + group.file("prometheus.yml"),
                "--storage.tsdb.path=" + data, "--web.listen-address=" + ADDRESS)
                .redirectErrorStream(true).redirectOutput(data.resolveSibling("prometheus.log").toFile()).start();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
        }
    }

    @Test
    void prometheusSeesEveryServerTheMasterAndTheCommitLatency() throws IOException {
        int master = group.soleReady(0);
        assertTrue(master > 0, "one master");
        for (int n = 0; n < 50; n++) {
            HttpResponse<String> w = LocalGroup.send(HttpRequest.newBuilder(URI.create(group.url(master)
                    + "/api/kv/prometheus-" + n)).header("Authorization", Users.basic(Users.WRITER))
                    .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"value\":\"x\"}")));
            assertTrue(w != null && w.statusCode() / 100 == 2, "a write");
        }
        assertTrue(await(Duration.ofSeconds(60), () -> values("up").size() == SIZE
                && values("up").stream().allMatch(v -> v.getString("value").equals("1"))), "every server scraped: "
                + values("up"));
        String masterAddress = URI.create(group.url(master)).getAuthority();
        assertTrue(await(Duration.ofSeconds(30), () -> {
            List<JsonObject> masters = values("regent_master == 1");
            return masters.size() == 1 && masters.get(0).getString("instance").equals(masterAddress);
        }), "Prometheus knows s" + master + " is master: " + values("regent_master"));
        assertTrue(await(Duration.ofSeconds(30), () -> !values(
                "regent_commit_latency_seconds_count * on(instance) regent_master > 0").isEmpty()),
                "the master's commit latency is scraped: " + values("regent_commit_latency_seconds_count"));
        List<JsonObject> p99 = values("regent_commit_latency_seconds{quantile=\"0.99\"} * on(instance) regent_master");
        System.out.printf("PrometheusIT: master %s, commit latency p99 %s s%n", masterAddress,
                p99.isEmpty() ? "?" : p99.get(0).getString("value"));

        // valid PromQL answers "success" even for a misspelled metric (an empty result): each name
        // a query uses must be one Prometheus has scraped from the servers
        java.util.Set<String> scraped = metricNames();
        for (String expr : dashboardQueries()) {
            JsonObject answer = query(expr);
            assertEquals("success", answer.getString("status"), "the dashboard's query " + expr + ": " + answer);
            java.util.regex.Matcher name = java.util.regex.Pattern.compile("regent_[a-z_]+").matcher(expr);
            assertTrue(name.find(), "the dashboard's query " + expr + " reads a Regent metric");
            do {
                assertTrue(scraped.contains(name.group()), "the dashboard's query " + expr + " names " + name.group()
                        + ", which no server publishes");
            } while (name.find());
        }
    }

    /** Every PromQL expression of the shipped Grafana dashboard. */
    private static List<String> dashboardQueries() throws IOException {
        Path dashboard = Path.of(System.getProperty("regent.root", ".."), "server-config", "grafana",
                "regent-dashboard.json");
        List<String> queries = new ArrayList<>();
        try (InputStream in = Files.newInputStream(dashboard)) {
            for (JsonObject panel : Json.createReader(in).readObject().getJsonArray("panels")
                    .getValuesAs(JsonObject.class)) {
                panel.getJsonArray("targets").getValuesAs(JsonObject.class).forEach(t -> queries.add(t.getString("expr")));
            }
        }
        assertTrue(queries.size() >= 8, "the dashboard has its panels: " + queries);
        return queries;
    }

    /** Every metric name Prometheus holds samples of. */
    private static java.util.Set<String> metricNames() {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + ADDRESS
                    + "/api/v1/label/__name__/values")).GET().build(), HttpResponse.BodyHandlers.ofString());
            return new java.util.HashSet<>(LocalGroup.json(r.body()).getJsonArray("data")
                    .getValuesAs(jakarta.json.JsonString.class).stream().map(jakarta.json.JsonString::getString).toList());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The instant vector {@code expr} evaluates to: each sample's labels and value, flattened. */
    private static List<JsonObject> values(String expr) {
        JsonObject answer = query(expr);
        List<JsonObject> samples = new ArrayList<>();
        if (answer == null || !"success".equals(answer.getString("status", ""))) {
            return samples;
        }
        JsonArray result = answer.getJsonObject("data").getJsonArray("result");
        for (JsonObject r : result.getValuesAs(JsonObject.class)) {
            samples.add(Json.createObjectBuilder(r.getJsonObject("metric"))
                    .add("value", r.getJsonArray("value").getString(1)).build());
        }
        return samples;
    }

    private static JsonObject query(String expr) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + ADDRESS
                    + "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8))).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return LocalGroup.json(r.body());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}

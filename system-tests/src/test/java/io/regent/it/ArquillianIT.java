package io.regent.it;

import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import io.regent.it.probe.RoleProbe;
import org.jboss.shrinkwrap.api.asset.Asset;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpResponse;
import java.time.Duration;

import static io.regent.it.LocalGroup.await;
import static io.regent.it.LocalGroup.get;
import static io.regent.it.LocalGroup.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The EAR deployed by Arquillian to a managed Liberty server, a group of one, on the real
 * broker: it deploys, its health endpoints answer, its MicroProfile Config values are injected,
 * and its messages make the round trip through Artemis.
 */
@ExtendWith({GroupExtension.class, ArquillianExtension.class})
@RunAsClient
@org.junit.jupiter.api.Order(0)
class ArquillianIT {

    private static final String BASE = "http://127.0.0.1:9190";

    /**
     * Regent's EAR with an application of its own beside it, as a team would package theirs: a
     * WAR compiled against regent-api only (the EAR's lib holds it), at /probe.
     */
    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        EnterpriseArchive ear = ShrinkWrap.createFromZipFile(EnterpriseArchive.class, new File(System.getProperty("regent.ear")));
        WebArchive probe = ShrinkWrap.create(WebArchive.class, "probe.war").addPackage(RoleProbe.class.getPackage())
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
        String application = new String(readAll(ear.get("META-INF/application.xml").getAsset()), StandardCharsets.UTF_8)
                .replace("  <library-directory>", "  <module>\n    <web>\n      <web-uri>probe.war</web-uri>\n"
                        + "      <context-root>/probe</context-root>\n    </web>\n  </module>\n  <library-directory>");
        return ear.addAsModule(probe).setApplicationXML(new StringAsset(application));
    }

    private static byte[] readAll(Asset asset) {
        try (java.io.InputStream in = asset.openStream()) {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void anApplicationBesideRegentIsToldItIsMasterAndRunsItsMasterOnlyWorkHere() {
        assertTrue(await(Duration.ofSeconds(60), () -> status(BASE + "/health/ready") == 200));
        assertTrue(await(Duration.ofSeconds(30), () -> json(get(BASE + "/probe/").body()).getJsonNumber("runs")
                .longValue() >= 2), "the @MasterOnly timer runs on the master: " + get(BASE + "/probe/").body());
        JsonObject seen = json(get(BASE + "/probe/").body());
        String epoch = get(BASE + "/api/group/master").headers().firstValue("Regent-Epoch").orElseThrow();
        assertEquals(java.util.List.of("granted " + epoch + " a1 master=true"),
                seen.getJsonArray("events").getValuesAs(jakarta.json.JsonString.class).stream()
                        .map(jakarta.json.JsonString::getString).toList(),
                "one grant, for the epoch the group reports, and Mastership agreed when it was observed");
        assertTrue(seen.getBoolean("master"));
        assertEquals(epoch, seen.getString("epoch"), "the fencing token is the epoch");
        assertEquals("ran in epoch " + epoch, json(get(BASE + "/probe/call").body()).getString("answer"));
        assertEquals("a task ran on a1", json(get(BASE + "/probe/task").body()).getString("answer"));
    }

    @Test
    void healthEndpointsAnswerAndTheLoneServerBecomesReadyMaster() {
        assertTrue(await(Duration.ofSeconds(60), () -> status(BASE + "/health/ready") == 200),
                "a group of one elects itself and, reaching the broker, reports ready");
        assertEquals(200, status(BASE + "/health/live"));
        assertEquals(200, status(BASE + "/health/started"));
        JsonObject ready = json(get(BASE + "/health/ready").body());
        JsonObject data = ready.getJsonArray("checks").getJsonObject(0).getJsonObject("data");
        assertEquals("MASTER", data.getString("role"));
        assertEquals("a1", data.getString("master"));
    }

    @Test
    void configurationComesFromMicroProfileConfig() {
        JsonObject group = awaitStatus();
        assertEquals("regent-arquillian", group.getString("group"));
        assertEquals("a1", group.getJsonObject("self").getString("id"));
        assertEquals(1, group.getJsonObject("self").getInt("index"));
        assertEquals("http://127.0.0.1:9190", group.getJsonObject("self").getString("url"));
    }

    @Test
    void messagesMakeTheRoundTripThroughTheBroker() {
        assertTrue(await(Duration.ofSeconds(60), () -> {
            JsonObject s = awaitStatus();
            return s.getJsonObject("broker").getBoolean("reachable")
                    && s.getJsonObject("broker").getJsonNumber("lastRoundTripMillis").longValue() >= 0;
        }), "the server hears its own probes back through the topic");
        JsonObject counters = awaitStatus().getJsonObject("counters");
        assertTrue(counters.getJsonNumber("messagesSent").longValue() > 0);
    }

    @Test
    void everyResponseNamesTheMaster() {
        assertTrue(await(Duration.ofSeconds(60), () -> status(BASE + "/health/ready") == 200));
        HttpResponse<String> r = get(BASE + "/api/group/master");
        assertEquals("a1", r.headers().firstValue("Regent-Master").orElse(null));
        assertEquals("http://127.0.0.1:9190", r.headers().firstValue("Regent-Master-Url").orElse(null));
        assertNotNull(r.headers().firstValue("Regent-Epoch").orElse(null));
    }

    @Test
    void groupMetricsArePublished() {
        assertTrue(await(Duration.ofSeconds(60), () -> status(BASE + "/health/ready") == 200));
        HttpResponse<String> r = get("https://127.0.0.1:10190/metrics?scope=application");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("regent_declarations_total{cause=\"election\""), r.body());
        assertTrue(r.body().contains("regent_epoch_term"), r.body());
        assertTrue(r.body().contains("regent_ready"), r.body());
    }

    private static int status(String url) {
        HttpResponse<String> r = get(url);
        return r == null ? -1 : r.statusCode();
    }

    private static JsonObject awaitStatus() {
        JsonObject[] s = new JsonObject[1];
        assertTrue(await(Duration.ofSeconds(60), () -> {
            HttpResponse<String> r = get(BASE + "/api/group");
            s[0] = r != null && r.statusCode() == 200 ? json(r.body()) : null;
            return s[0] != null;
        }));
        return s[0];
    }
}

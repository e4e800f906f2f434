package io.regent.it;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.json.JsonObject;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.regent.it.LocalGroup.SIZE;
import static io.regent.it.LocalGroup.await;
import static io.regent.it.LocalGroup.json;
import static io.regent.it.LocalGroup.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security on real servers (DESIGN.md §6): who may do what over HTTP, what the brokers let an
 * outsider and a member do, and what a replayed or forged frame changes (nothing: it is counted).
 */
@ExtendWith(GroupExtension.class)
@GroupExtension.Uses
@org.junit.jupiter.api.Order(2)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecurityIT {

    private static final Duration SETTLE = Duration.ofSeconds(30);
    private static LocalGroup group;

    @BeforeAll
    static void group(LocalGroup theGroup) {
        group = theGroup;
        assertTrue(await(Duration.ofSeconds(90), () -> group.soleReady(0) > 0 && group.allCaughtUp()),
                "a master and caught-up backups");
    }

    /**
     * A slowloris client that trickles its request head cannot hold one of HAProxy's connections:
     * HAProxy closes it once {@code timeout http-request} has passed (it waited the 30 s client
     * time-out before).
     */
    @Test
    @Order(7)
    void theLoadBalancerClosesAClientThatTricklesItsRequestHead() throws Exception {
        URI lb = URI.create(group.balancerUrl());
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) LocalGroup.trustingSelfSigned().getSocketFactory()
                .createSocket(lb.getHost(), lb.getPort())) {
            socket.setSoTimeout(20_000);
            socket.startHandshake();
            long began = System.nanoTime();
            socket.getOutputStream().write("GET /api/group HTTP/1.1\r\nHost: regent\r\n".getBytes(
                    java.nio.charset.StandardCharsets.US_ASCII)); // the head never ends
            socket.getOutputStream().flush();
            String answer;
            try {
                answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
            } catch (java.net.SocketTimeoutException e) {
                answer = "still open after 20 s";
            } catch (java.io.IOException reset) {
                answer = ""; // closed without a word
            }
            long waited = (System.nanoTime() - began) / 1_000_000;
            System.out.printf("SecurityIT: HAProxy closed a trickling client after %d ms: %s%n", waited,
                    answer.lines().findFirst().orElse("(no answer)"));
            assertTrue(waited < 10_000, "closed within the request time-out, not the client's: " + waited + " ms");
            assertTrue(answer.isEmpty() || answer.startsWith("HTTP/1.1 408"), "408 or a plain close: " + answer);
        }
    }

    /**
     * A flood of idle connections to the master's role port while HAProxy checks it (a few
     * missed checks take a server out): the checks are answered, so the master stays in the pool
     * and every write through HAProxy is acknowledged.
     */
    @Test
    @Order(8)
    void aFloodOfConnectionsToTheRolePortLeavesTheMasterInThePool() throws Exception {
        int m = group.soleReady(0);
        java.net.InetSocketAddress rolePort = group.roleAddress(m);
        List<java.net.Socket> flood = new ArrayList<>();
        int written = 0;
        try {
            long end = System.currentTimeMillis() + 5_000;
            while (System.currentTimeMillis() < end) {
                for (int i = 0; i < 40 && flood.size() < 600; i++) { // 600: within the test JVM's descriptors
                    java.net.Socket idle = new java.net.Socket();
                    idle.connect(rolePort, 1_000);
                    flood.add(idle);
                }
                HttpResponse<String> r = send(request(group.balancerUrl() + "/api/kv/flooded-" + written, Users.WRITER)
                        .PUT(body("{\"value\":\"x\"}")));
                assertTrue(r.statusCode() == 200 || r.statusCode() == 201, "a write through HAProxy during the flood: "
                        + r.statusCode() + " " + r.body());
                written++;
            }
        } finally {
            for (java.net.Socket idle : flood) {
                idle.close();
            }
        }
        System.out.printf("SecurityIT: %d connections flooded s%d's role port; %d writes through HAProxy acknowledged%n",
                flood.size(), m, written);
        assertEquals(m, group.soleReady(0), "the master is unchanged");
    }

    @Test
    @Order(1)
    void withoutCredentialsTheApiAnswers401InJsonAndHealthStaysOpen() {
        int m = group.soleReady(0);
        String base = group.url(m);
        for (HttpRequest.Builder r : List.of(request(base + "/api/kv", null).GET(), request(base + "/api/group", null).GET(),
                request(base + "/api/replication", null).GET(), request(base + "/api/kv/k", null).PUT(body("{\"value\":\"x\"}")),
                request(base + "/api/kv/k", null).DELETE(), request(base + "/api/group/handover", null).POST(body("{}")))) {
            assertRefused(send(r), 401);
        }
        HttpResponse<String> wrong = send(HttpRequest.newBuilder(URI.create(base + "/api/kv"))
                .header("Authorization", "Basic cmVnZW50LWFkbWluOndyb25n").GET()); // regent-admin:wrong
        assertRefused(wrong, 401);
        assertEquals(200, send(request(base + "/health/ready", null).GET()).statusCode(), "load balancers need no user");
        assertEquals(200, send(request(base + "/health/live", null).GET()).statusCode());
        assertEquals(200, send(request(base + "/", null).GET()).statusCode(), "the status page itself is open");
    }

    @Test
    @Order(2)
    void eachRoleMayDoItsPartAndNoMore() {
        int m = group.soleReady(0);
        String base = group.url(m);
        assertEquals(200, send(request(base + "/api/kv", Users.READER).GET()).statusCode());
        assertRefused(send(request(base + "/api/kv/by-reader", Users.READER).PUT(body("{\"value\":\"x\"}"))), 403);
        assertRefused(send(request(base + "/api/kv/by-reader", Users.READER).DELETE()), 403);
        int written = send(request(base + "/api/kv/by-writer", Users.WRITER).PUT(body("{\"value\":\"x\"}"))).statusCode();
        assertEquals(2, written / 100, "a writer writes: " + written);
        assertRefused(send(request(base + "/api/group/handover", Users.WRITER).POST(body("{}"))), 403);
        String metrics = group.url(m) + "/metrics?scope=base";
        assertEquals(401, send(request(metrics, null).GET()).statusCode(), "metrics need a user");
        assertEquals(200, send(request(metrics, Users.READER).GET()).statusCode(), "a reader may read them");
        assertEquals(m, group.soleReady(0), "no handover happened");
    }

    @Test
    @Order(3)
    void aCrossSiteFormPostCannotMoveTheMaster() {
        int m = group.soleReady(0);
        String epoch = group.status(m).getString("epoch");
        for (String type : List.of("application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x")) {
            HttpResponse<String> r = send(request(group.url(m) + "/api/group/handover", Users.ADMIN)
                    .header("Origin", "https://elsewhere.example").setHeader("Content-Type", type).POST(body("to=s2")));
            assertEquals(415, r.statusCode(), type + ": " + r.body());
            assertEquals(415, json(r.body()).getInt("status"));
        }
        assertEquals(epoch, group.status(m).getString("epoch"), "the master did not move");
    }

    @Test
    @Order(4)
    void everyServerSpeaksOnlyTlsWithAKeyOfTheGroupsCa() throws Exception {
        int m = group.soleReady(0);
        String ready = group.url(m) + "/health/ready";
        assertEquals("200", curl("--cacert", group.caFile().toString(), ready), "verified against the group's CA");
        assertEquals("000", curl(ready), "not trusted without the group's CA");
        assertEquals("200", curl("--cacert", group.caFile().toString(), group.balancerUrl() + "/health/ready"),
                "HAProxy too");
        assertEquals("1.1", curl("--cacert", group.caFile().toString(), "--http2", "-w", "%{http_version}", ready),
                "HTTP/1.1 even to a client that offers h2 (server.xml: Liberty's HTTP/2 stalls asynchronous answers)");
        String plain = curl(ready.replace("https://", "http://"));
        assertTrue(!plain.startsWith("2"), "no plaintext HTTP: " + plain);
        assertThrows(JMSException.class, () -> new ActiveMQConnectionFactory("tcp://" + group.brokerAddress(1)
                + "?initialConnectAttempts=1&callTimeout=2000").createConnection("s3", group.credential("BROKER_PASSWORD_S3")).close(),
                "plaintext to a broker is refused");
        try (ActiveMQConnectionFactory keyless = new ActiveMQConnectionFactory(trustingUrl())) {
            assertThrows(JMSException.class, () -> keyless.createConnection("s3", group.credential("BROKER_PASSWORD_S3"))
                    .close(), "a client without a key of the group's CA is refused, whatever its password (mutual TLS)");
        }
    }

    @Test
    @Order(5)
    void theBrokersRefuseOutsidersAndLetAMemberUseOnlyRegentsAddresses() throws JMSException {
        ActiveMQConnectionFactory factory = brokerOverTls();
        assertThrows(JMSSecurityException.class, () -> factory.createConnection().close(), "no user");
        assertThrows(JMSSecurityException.class, () -> factory.createConnection("s3", "wrong").close(), "a wrong password");
        try (Connection c = factory.createConnection("s3", group.credential("BROKER_PASSWORD_S3"))) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertThrows(JMSSecurityException.class,
                    () -> s.createProducer(s.createTopic("not.regent")).send(s.createTextMessage("x")),
                    "a server's account may not send beyond Regent's addresses");
            assertThrows(JMSSecurityException.class, () -> s.createConsumer(s.createQueue("activemq.management")),
                    "nor read the broker's management address");
        } finally {
            factory.close();
        }
    }

    /**
     * Everything s1 sends for two seconds is captured (by a member's broker account, as a leaked
     * server could) and sent again, once as it was, once with a flipped bit and once claiming a
     * protocol version no build here speaks: every copy is dropped and counted (the last also as
     * refused for its version, DESIGN.md §8.1), and no role, epoch or stored value changes.
     */
    @Test
    @Order(6)
    void replayedAndForgedFramesChangeNothingAndAreCounted() throws Exception {
        int m = group.soleReady(0);
        assertTrue(await(SETTLE, () -> group.allCaughtUp()));
        Map<Integer, String> epochs = new HashMap<>();
        Map<Integer, Long> droppedBefore = new HashMap<>();
        Map<Integer, Long> refusedBefore = new HashMap<>();
        for (int i = 1; i <= SIZE; i++) {
            JsonObject s = group.status(i);
            epochs.put(i, s.getString("epoch"));
            droppedBefore.put(i, s.getJsonObject("counters").getJsonNumber("messagesDropped").longValue());
            refusedBefore.put(i, refusedForVersion(i));
        }
        ActiveMQConnectionFactory factory = brokerOverTls();
        List<Message> captured = new ArrayList<>();
        try (Connection c = factory.createConnection("s3", group.credential("BROKER_PASSWORD_S3"))) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            String fromMaster = "regentFrom = 's" + m + "'";
            List<MessageConsumer> taps = List.of(s.createConsumer(s.createTopic("regent.control"), fromMaster),
                    s.createConsumer(s.createTopic("regent.requests"), fromMaster));
            c.start();
            long end = System.currentTimeMillis() + 2_000;
            int n = 0;
            while (System.currentTimeMillis() < end) {
                send(request(group.url(m) + "/api/kv/replayed-" + n++, Users.WRITER).PUT(body("{\"value\":\"once\"}")));
                for (MessageConsumer tap : taps) {
                    for (Message got = tap.receiveNoWait(); got != null; got = tap.receiveNoWait()) {
                        captured.add(got);
                    }
                }
            }
            assertTrue(captured.size() >= 10, "captured " + captured.size() + " frames of the master");
            String digest = group.replication(m).getString("digest");
            for (Message original : captured) {
                resend(s, original, false, 0);
                resend(s, original, true, 0);
                // as a server of a release far ahead would send it: refused for its version, naming the sender
                resend(s, original, false, 9);
            }
            // a backup receives every broadcast of the master: each copy it gets must be dropped
            int backup = m % SIZE + 1;
            long broadcasts = captured.stream().filter(msg -> property(msg, "regentTo") == null).count();
            long expected = 3L * broadcasts;
            assertTrue(await(SETTLE, () -> dropped(backup) - droppedBefore.get(backup) >= expected),
                    "s" + backup + " dropped " + (dropped(backup) - droppedBefore.get(backup)) + " of the " + expected
                            + " copies it received");
            assertTrue(refusedForVersion(backup) - refusedBefore.get(backup) >= broadcasts,
                    "s" + backup + " counted the frames of version 9 as refused for their version");
            for (int i = 1; i <= SIZE; i++) {
                assertEquals(epochs.get(i), group.status(i).getString("epoch"), "s" + i + "'s epoch");
            }
            assertEquals(m, group.soleReady(0), "the master is unchanged");
            assertEquals(digest, group.replication(m).getString("digest"), "nothing was applied twice");
            assertTrue(await(SETTLE, () -> group.positions().size() == 1), "all copies agree: " + group.positions());
        } finally {
            factory.close();
        }
    }

    /** A connection as server s3 makes it: the group's CA trusted, s3's key presented. */
    private static ActiveMQConnectionFactory brokerOverTls() {
        return new ActiveMQConnectionFactory(trustingUrl() + "&keyStorePath=" + group.keyStore("s3")
                + "&keyStorePassword=" + LocalGroup.TLS_PASSWORD);
    }

    private static String trustingUrl() {
        return "tcp://" + group.brokerAddress(1) + "?sslEnabled=true&verifyHost=true&initialConnectAttempts=1"
                + "&callTimeout=2000&trustStorePath=" + group.trustStore() + "&trustStorePassword=" + LocalGroup.TLS_PASSWORD;
    }

    /** curl's status code for a GET ("000": no HTTP answer, e.g. the TLS handshake failed). */
    private static String curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        p.waitFor();
        return out;
    }

    /** Sends a copy of {@code original}: as it was, with a bit flipped, or with its version byte set (0: kept). */
    private static void resend(Session s, Message original, boolean flipBit, int version) throws JMSException {
        BytesMessage in = (BytesMessage) original;
        in.reset();
        byte[] frame = new byte[(int) in.getBodyLength()];
        in.readBytes(frame);
        if (flipBit) {
            frame[frame.length / 2] ^= 1;
        }
        if (version != 0) {
            frame[2] = (byte) version; // "RG" and the version byte open every frame
        }
        BytesMessage out = s.createBytesMessage();
        out.writeBytes(frame);
        for (Enumeration<?> names = original.getPropertyNames(); names.hasMoreElements(); ) {
            String name = (String) names.nextElement();
            if (name.startsWith("regent")) {
                out.setStringProperty(name, original.getStringProperty(name));
            }
        }
        try (MessageProducer p = s.createProducer(original.getJMSDestination())) {
            p.send(out);
        }
    }

    private static String property(Message m, String name) {
        try {
            return m.getStringProperty(name);
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long refusedForVersion(int i) {
        JsonObject s = group.status(i);
        return s == null ? -1 : s.getJsonObject("versions").getJsonNumber("refusedFrames").longValue();
    }

    private static long dropped(int i) {
        JsonObject s = group.status(i);
        return s == null ? -1 : s.getJsonObject("counters").getJsonNumber("messagesDropped").longValue();
    }

    private static HttpRequest.Builder request(String url, String user) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json");
        return user == null ? b : b.header("Authorization", Users.basic(user));
    }

    private static HttpRequest.BodyPublisher body(String text) {
        return HttpRequest.BodyPublishers.ofString(text);
    }

    private static void assertRefused(HttpResponse<String> r, int status) {
        assertNotNull(r, "no answer");
        assertEquals(status, r.statusCode(), r.uri() + ": " + r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                r.uri() + " " + r.headers().map() + " " + r.body());
        assertEquals(status, json(r.body()).getInt("status"), r.body());
        if (status == 401) {
            assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"), r.headers().map().toString());
        }
    }
}

package io.regent.group;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The role port on a real socket: its answers, and that no client can hold up a load balancer's check. */
class RoleEndpointTest {

    private final AtomicBoolean master = new AtomicBoolean(true);
    private final List<Socket> clients = new ArrayList<>();
    private RoleEndpoint endpoint;

    @BeforeEach
    void listen() throws IOException {
        endpoint = new RoleEndpoint("127.0.0.1", 0, java.util.Set.of(), master::get, () -> true, () -> "not the master; s2 is");
    }

    @AfterEach
    void close() throws IOException {
        for (Socket s : clients) {
            s.close();
        }
        endpoint.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", endpoint.port());
        s.setSoTimeout(5_000);
        clients.add(s);
        return s;
    }

    private String ask(String request) throws IOException {
        Socket s = connect();
        s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private String check(String path) throws IOException {
        return ask("GET " + path + " HTTP/1.1\r\nHost: lb\r\n\r\n");
    }

    @Test
    void theMasterAnswers200AndOthers503SayingWhy() throws IOException {
        String up = check("/role/master");
        assertTrue(up.startsWith("HTTP/1.1 200 "), up);
        assertTrue(up.endsWith("\r\n\r\nyes\n"), up);
        assertTrue(up.contains("Connection: close"), up);
        master.set(false);
        String down = check("/role/master?lag=1");
        assertTrue(down.startsWith("HTTP/1.1 503 "), down);
        assertTrue(down.endsWith("not the master; s2 is\n"), down);
        assertTrue(check("/role/member").startsWith("HTTP/1.1 200 "));
    }

    @Test
    void withAListOfSourcesAnyOtherAddressIsClosedUnanswered() throws IOException {
        try (RoleEndpoint listed = new RoleEndpoint("127.0.0.1", 0, java.util.Set.of(java.net.InetAddress.getByName("127.0.0.2")),
                master::get, () -> true, () -> "no");
                Socket stranger = new Socket("127.0.0.1", listed.port());
                Socket balancer = new Socket()) {
            stranger.setSoTimeout(5_000);
            stranger.getOutputStream().write("GET /role/master HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertEquals("", new String(readAll(stranger), StandardCharsets.UTF_8), "a stranger was answered");
            balancer.bind(new java.net.InetSocketAddress("127.0.0.2", 0)); // a listed source: loopback has all of 127/8
            balancer.connect(new java.net.InetSocketAddress("127.0.0.1", listed.port()));
            balancer.setSoTimeout(5_000);
            balancer.getOutputStream().write("GET /role/master HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(balancer.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
        }
    }

    /** What a socket reads until it is closed; a reset counts as closed. */
    private static byte[] readAll(Socket s) throws IOException {
        try {
            return s.getInputStream().readAllBytes();
        } catch (java.net.SocketException reset) {
            return new byte[0];
        }
    }

    @Test
    void headHasNoBodyAndOtherPathsAndMethodsAreRefused() throws IOException {
        String head = ask("HEAD /role/master HTTP/1.1\r\n\r\n");
        assertTrue(head.startsWith("HTTP/1.1 200 ") && head.endsWith("\r\n\r\n"), head);
        assertTrue(check("/api/kv/x").startsWith("HTTP/1.1 404 "));
        assertTrue(ask("POST /role/master HTTP/1.1\r\nContent-Length: 0\r\n\r\n").startsWith("HTTP/1.1 405 "));
        assertTrue(ask("x".repeat(RoleEndpoint.REQUEST_BYTES + 10)).startsWith("HTTP/1.1 431 "));
    }

    /** Each socket gives up after 5 s: a blocking endpoint would fail both the check and the cut-off. */
    @Test
    void clientsThatStallDoNotHoldUpAChecksAnswerAndAreCutOff() throws IOException {
        List<Socket> stalled = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Socket s = connect();
            s.getOutputStream().write("GET /role/master HTTP/1.1\r\nHost: slow".getBytes(StandardCharsets.ISO_8859_1));
            stalled.add(s);
        }
        assertTrue(check("/role/master").startsWith("HTTP/1.1 200 "), "answered while 20 clients stall");
        for (Socket s : stalled) {
            InputStream in = s.getInputStream();
            assertEquals(-1, in.read(), "a request that never finished is closed unanswered");
        }
    }

    @Test
    void moreIdleConnectionsThanItKeepsOpenStillLeaveRoomForACheck() throws IOException {
        for (int i = 0; i < RoleEndpoint.MAX_OPEN + 20; i++) {
            connect();
        }
        assertTrue(check("/role/master").startsWith("HTTP/1.1 200 "));
    }

    /**
     * The load balancer's check has connected but its request has not arrived yet, while clients
     * on other addresses open more connections than the endpoint keeps: theirs are dropped, the
     * check is answered. (A flood that outruns the kernel's accept queue drops connections before
     * any program sees them: a firewall's to stop.)
     */
    @Test
    void connectionsFromOtherAddressesNeverEvictACheckInProgress() throws Exception {
        List<Socket> flood = new ArrayList<>();
        try {
            Socket check = connect();
            for (int i = 0; i < 3 * RoleEndpoint.MAX_OPEN; i++) {
                Socket c = new Socket();
                flood.add(c);
                c.bind(new java.net.InetSocketAddress("127.0.0." + (2 + i % 4), 0));
                c.connect(new java.net.InetSocketAddress("127.0.0.1", endpoint.port()), 1_000);
            }
            // every flood connection has been taken (the last one answers once its turn comes)
            Socket last = flood.get(flood.size() - 1);
            last.getOutputStream().write("GET /role/member HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            last.setSoTimeout(5_000);
            assertTrue(new String(last.getInputStream().readAllBytes(), StandardCharsets.UTF_8).startsWith("HTTP/1.1 200 "));
            check.getOutputStream().write("GET /role/master HTTP/1.1\r\nHost: lb\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 200 "), "the check was answered, not evicted: '" + answer + "'");
        } finally {
            for (Socket c : flood) {
                c.close();
            }
        }
    }
}

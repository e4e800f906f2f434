package io.regent.group;

import org.junit.jupiter.api.Test;

import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Frames straight to another server over real loopback sockets (DESIGN.md §4.4). */
class DirectLinksTest {

    private static final int LIMIT = 1_024;

    private final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> refused = new LinkedBlockingQueue<>();

    private DirectListener listen(int maxLinks) throws IOException {
        return new DirectListener(new InetSocketAddress("127.0.0.1", 0), LIMIT, maxLinks, received::add, refused::add,
                new ServerThreads());
    }

    private static DirectLinks linksTo(DirectListener master) {
        return new DirectLinks(Map.of("s1", new InetSocketAddress("127.0.0.1", master.port())), new ServerThreads());
    }

    /** ready() starts a connection and is false until it is up; the caller uses the broker meanwhile. */
    private static void awaitReady(DirectLinks links, String to) throws InterruptedException {
        assertFalse(links.ready(to), "not connected before the first call");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!links.ready(to)) {
            assertTrue(System.nanoTime() < end, "no link to " + to + " within 5 s");
            Thread.sleep(10);
        }
    }

    @Test
    void framesArriveWholeAndInOrderOnceTheLinkIsUp() throws Exception {
        try (DirectListener master = listen(4); DirectLinks links = linksTo(master)) {
            assertThrows(IOException.class, () -> links.send("s1", new byte[] {1}), "no link yet: the caller must know");
            awaitReady(links, "s1");
            for (int i = 1; i <= 100; i++) {
                links.send("s1", new byte[] {(byte) i, (byte) (i + 1), (byte) (i + 2)});
            }
            for (int i = 1; i <= 100; i++) {
                byte[] f = received.poll(5, TimeUnit.SECONDS);
                assertNotNull(f, "frame " + i + " did not arrive");
                assertArrayEquals(new byte[] {(byte) i, (byte) (i + 1), (byte) (i + 2)}, f);
            }
            assertFalse(links.ready("s9"), "a server without an address never goes direct");
            assertEquals(1, links.connects());
        }
    }

    @Test
    void aLengthOverTheLimitClosesTheConnectionBeforeTheFrameIsRead() throws Exception {
        try (DirectListener master = listen(4); Socket s = new Socket("127.0.0.1", master.port())) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(LIMIT + 1);
            out.flush();
            String why = refused.poll(5, TimeUnit.SECONDS);
            assertNotNull(why, "an oversized frame was not refused");
            assertTrue(why.contains(String.valueOf(LIMIT + 1)), why);
            s.setSoTimeout(5_000);
            assertEquals(-1, s.getInputStream().read(), "the connection was not closed");
            assertTrue(received.isEmpty());
        }
    }

    @Test
    void aNewConnectionBeyondTheLimitClosesTheOldest() throws Exception {
        try (DirectListener master = listen(2); Socket first = new Socket("127.0.0.1", master.port());
                Socket second = new Socket("127.0.0.1", master.port());
                Socket third = new Socket("127.0.0.1", master.port())) {
            first.setSoTimeout(5_000);
            assertEquals(-1, first.getInputStream().read(), "the oldest connection is still open");
            for (Socket s : List.of(second, third)) {
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                out.writeInt(1);
                out.writeByte(7);
                out.flush();
                assertArrayEquals(new byte[] {7}, received.poll(5, TimeUnit.SECONDS), "a newer connection was closed");
            }
        }
    }

    /** A member that reconnects while its stale links fill the table gets in: the oldest link goes. */
    @Test
    void whenEveryLinkIsAMembersANewConnectionPushesOutTheOldest() throws Exception {
        try (DirectListener master = listen(2); Socket stale = new Socket("127.0.0.1", master.port());
                Socket other = new Socket("127.0.0.1", master.port())) {
            for (Socket s : List.of(stale, other)) {
                send(s, (byte) 1);
                assertArrayEquals(new byte[] {1}, received.poll(5, TimeUnit.SECONDS));
            }
            try (Socket reconnected = new Socket("127.0.0.1", master.port())) {
                send(reconnected, (byte) 2);
                assertArrayEquals(new byte[] {2}, received.poll(5, TimeUnit.SECONDS), "the new connection was refused");
                stale.setSoTimeout(5_000);
                assertEquals(-1, stale.getInputStream().read(), "the oldest link is closed");
            }
        }
    }

    private static void send(Socket s, byte b) throws IOException {
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        out.writeInt(1);
        out.writeByte(b);
        out.flush();
    }

    /** Outsiders' connections push out each other, never a link a member has shown itself on. */
    @Test
    void connectionsNoMemberSignedNeverPushOutAMembersLink() throws Exception {
        try (DirectListener master = new DirectListener(new InetSocketAddress("127.0.0.1", 0), LIMIT, 2,
                f -> received.add(f) && f[0] == 1, refused::add, new ServerThreads());
                Socket member = new Socket("127.0.0.1", master.port())) {
            DataOutputStream out = new DataOutputStream(member.getOutputStream());
            out.writeInt(1);
            out.writeByte(1);
            out.flush();
            assertArrayEquals(new byte[] {1}, received.poll(5, TimeUnit.SECONDS));
            List<Socket> outsiders = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) {
                    Socket o = new Socket("127.0.0.1", master.port());
                    outsiders.add(o);
                    if (i % 2 == 0) { // half send a frame no member signed, half nothing
                        DataOutputStream x = new DataOutputStream(o.getOutputStream());
                        x.writeInt(1);
                        x.writeByte(9);
                        x.flush();
                        assertArrayEquals(new byte[] {9}, received.poll(5, TimeUnit.SECONDS));
                    }
                }
                outsiders.get(0).setSoTimeout(5_000);
                assertEquals(-1, outsiders.get(0).getInputStream().read(), "an outsider pushed out another");
                out.writeInt(2);
                out.writeByte(1);
                out.writeByte(2);
                out.flush();
                assertArrayEquals(new byte[] {1, 2}, received.poll(5, TimeUnit.SECONDS), "the member's link was kept");
            } finally {
                for (Socket o : outsiders) {
                    o.close();
                }
            }
        }
    }

    @Test
    void aLinkWhosePeerWentAwayFailsAndIsMadeAgainToItsSuccessor() throws Exception {
        DirectListener master = listen(4);
        int port = master.port();
        try (DirectLinks links = linksTo(master)) {
            awaitReady(links, "s1");
            master.close();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            boolean failed = false;
            while (!failed && System.nanoTime() < end) {
                try {
                    links.send("s1", new byte[] {1});
                    Thread.sleep(10);
                } catch (IOException e) {
                    failed = true;
                }
            }
            assertTrue(failed, "sends to a closed peer kept succeeding");
            try (DirectListener restarted = new DirectListener(new InetSocketAddress("127.0.0.1", port), LIMIT, 4,
                    received::add, refused::add, new ServerThreads())) {
                awaitReady(links, "s1");
                received.clear(); // what the first listener read before it closed
                links.send("s1", new byte[] {42});
                assertArrayEquals(new byte[] {42}, received.poll(5, TimeUnit.SECONDS));
            }
        }
    }
}

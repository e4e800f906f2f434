package io.regent.group;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
        return listen(0, LinkSockets.plaintext(), new DirectListener.Limits(Set.of(), LIMIT, maxLinks, 5_000));
    }

    private DirectListener listen(int port, LinkSockets sockets, DirectListener.Limits limits) throws IOException {
        return new DirectListener(new InetSocketAddress("127.0.0.1", port), sockets, limits, received::add, refused::add,
                new ServerThreads());
    }

    private static DirectLinks linksTo(DirectListener master) {
        return linksTo(master, LinkSockets.plaintext());
    }

    private static DirectLinks linksTo(DirectListener master, LinkSockets sockets) {
        return new DirectLinks(Map.of("s1", new InetSocketAddress("127.0.0.1", master.port())), null, sockets,
                new ServerThreads());
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
                shownAMember(s);
            }
            try (Socket reconnected = new Socket("127.0.0.1", master.port())) {
                send(reconnected, (byte) 2);
                assertArrayEquals(new byte[] {2}, received.poll(5, TimeUnit.SECONDS), "the new connection was refused");
                stale.setSoTimeout(5_000);
                assertEquals(-1, stale.getInputStream().read(), "the oldest link is closed");
            }
        }
    }

    /**
     * Sends a member's frame, then another: the second arrives only after the listener's reader
     * has handled the first, so the link counts as a member's by then.
     */
    private void shownAMember(Socket s) throws IOException, InterruptedException {
        send(s, (byte) 1);
        send(s, (byte) 1);
        assertArrayEquals(new byte[] {1}, received.poll(5, TimeUnit.SECONDS));
        assertArrayEquals(new byte[] {1}, received.poll(5, TimeUnit.SECONDS));
    }

    /** A peer's close reads as the end of the stream, or as a reset when our bytes were still unread there. */
    private static void assertClosed(Socket s) throws IOException {
        s.setSoTimeout(5_000);
        try {
            assertEquals(-1, s.getInputStream().read(), "the connection was not closed");
        } catch (SocketException reset) {
            // closed with our frame unread: the kernel answers with a reset
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
        try (DirectListener master = new DirectListener(new InetSocketAddress("127.0.0.1", 0), LinkSockets.plaintext(),
                new DirectListener.Limits(Set.of(), LIMIT, 2, 5_000), f -> received.add(f) && f[0] == 1, refused::add,
                new ServerThreads());
                Socket member = new Socket("127.0.0.1", master.port())) {
            DataOutputStream out = new DataOutputStream(member.getOutputStream());
            shownAMember(member);
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
            try (DirectListener restarted = listen(port, LinkSockets.plaintext(),
                    new DirectListener.Limits(Set.of(), LIMIT, 4, 5_000))) {
                awaitReady(links, "s1");
                received.clear(); // what the first listener read before it closed
                links.send("s1", new byte[] {42});
                assertArrayEquals(new byte[] {42}, received.poll(5, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void aConnectionFromAnAddressNoMemberHasIsClosedAtOnce() throws Exception {
        InetAddress elsewhere = InetAddress.getByName("192.0.2.1");
        try (DirectListener master = listen(0, LinkSockets.plaintext(),
                new DirectListener.Limits(Set.of(elsewhere), LIMIT, 4, 5_000));
                Socket s = new Socket("127.0.0.1", master.port())) {
            try {
                send(s, (byte) 1);
            } catch (SocketException closedFirst) {
                // the listener may close before the frame is written: that is the behaviour under test
            }
            String why = refused.poll(5, TimeUnit.SECONDS);
            assertNotNull(why, "a stranger's connection was kept");
            assertTrue(why.contains("127.0.0.1") && why.contains("no member's address"), why);
            assertClosed(s);
            assertTrue(received.isEmpty(), "a stranger's frame was read");
        }
    }

    @Test
    void aConnectionThatCarriesNoMembersFrameInTimeIsClosed() throws Exception {
        try (DirectListener master = new DirectListener(new InetSocketAddress("127.0.0.1", 0), LinkSockets.plaintext(),
                new DirectListener.Limits(Set.of(), LIMIT, 4, 300), f -> received.add(f) && f[0] == 1, refused::add,
                new ServerThreads());
                Socket idle = new Socket("127.0.0.1", master.port());
                Socket member = new Socket("127.0.0.1", master.port())) {
            shownAMember(member);
            idle.setSoTimeout(5_000);
            assertEquals(-1, idle.getInputStream().read(), "a silent connection was kept");
            String why = refused.poll(5, TimeUnit.SECONDS);
            assertTrue(why != null && why.contains("no member's frame within 300 ms"), why);
            Thread.sleep(600);
            send(member, (byte) 1);
            assertArrayEquals(new byte[] {1}, received.poll(5, TimeUnit.SECONDS), "a member's quiet link was closed");
        }
    }

    @Test
    void overTlsFramesGoBetweenHoldersOfTheGroupsKeysAndNobodyElseGetsALink(@TempDir Path dir) throws Exception {
        LinkSockets group = LinkSockets.of(keys(dir, "group"));
        try (DirectListener master = listen(0, group, new DirectListener.Limits(Set.of(), LIMIT, 8, 5_000));
                DirectLinks links = linksTo(master, group)) {
            awaitReady(links, "s1");
            links.send("s1", new byte[] {5, 6});
            assertArrayEquals(new byte[] {5, 6}, received.poll(5, TimeUnit.SECONDS));

            try (Socket plain = new Socket("127.0.0.1", master.port())) {
                send(plain, (byte) 9); // not a TLS record: the handshake fails
                plain.setSoTimeout(5_000);
                byte[] told = plain.getInputStream().readAllBytes(); // a TLS alert at most, then the end
                assertTrue(told.length == 0 || told[0] == 21, "a plaintext peer got an answer that is no TLS alert");
            }
            try (DirectLinks stranger = linksTo(master, LinkSockets.of(keys(dir, "stranger")))) {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                while (System.nanoTime() < end) {
                    if (stranger.ready("s1")) {
                        try {
                            stranger.send("s1", new byte[] {9});
                        } catch (IOException expected) {
                            // its link failed
                        }
                    }
                    Thread.sleep(20);
                }
                assertTrue(stranger.failures() > 0, "a key the group's CA did not sign made a link");
            }
            assertEquals(null, received.poll(500, TimeUnit.MILLISECONDS), "a frame came through without the group's key");
        }
    }

    /**
     * A master that stops reading (paused, say) fills the link: the sender is told it fell behind,
     * and closing the link does not wait on the stuck TLS writer.
     */
    @Test
    @Timeout(60) // a sender blocked on the stuck peer would never end
    void overTlsALinkWhosePeerStopsReadingIsDroppedWithoutBlockingTheSender(@TempDir Path dir) throws Exception {
        LinkSockets group = LinkSockets.of(keys(dir, "group"));
        java.util.concurrent.CountDownLatch resume = new java.util.concurrent.CountDownLatch(1);
        try (DirectListener paused = new DirectListener(new InetSocketAddress("127.0.0.1", 0), group,
                new DirectListener.Limits(Set.of(), LIMIT, 8, 5_000), f -> {
                    try {
                        resume.await(); // the reader stops: nothing more is read from the socket
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return true;
                }, refused::add, new ServerThreads());
                DirectLinks links = linksTo(paused, group)) {
            awaitReady(links, "s1");
            byte[] frame = new byte[LIMIT - 16];
            IOException fellBehind = null;
            for (int i = 0; i < 200_000 && fellBehind == null; i++) {
                try {
                    links.send("s1", frame);
                } catch (IOException e) {
                    fellBehind = e;
                }
            }
            assertNotNull(fellBehind, "200,000 frames went to a peer that reads nothing");
            assertTrue(fellBehind.getMessage().contains("fell"), fellBehind.getMessage());
            assertFalse(links.ready("s1"), "the stuck link is gone");
        } finally {
            resume.countDown();
        }
    }

    /** A self-signed key of its own, which its store also trusts: a one-member "CA". */
    private static io.regent.host.RegentSettings.Tls keys(Path dir, String name) throws Exception {
        Path store = dir.resolve(name + ".p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1", "-alias", name, "-dname", "CN=" + name,
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "secret")
                .redirectErrorStream(true).start();
        assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes()));
        return new io.regent.host.RegentSettings.Tls(store, "secret", store, "secret");
    }
}

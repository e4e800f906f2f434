package io.regent.group;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Takes the frames other servers send straight to this one (DESIGN.md §4.4): accepts connections
 * on its address ({@link LinkSockets}: over TLS only from a holder of a key the group's CA
 * signed) and reads length-prefixed frames, each connection on a thread of its own (a frame is
 * handled on the thread its bytes woke), handing each frame to {@code inbound}, which checks its
 * signature, sender and counter like a frame from the broker. Outsiders are kept from starving
 * the members' links:
 * <ul>
 *   <li>a connection from an address that is no member's is closed at once;</li>
 *   <li>over TLS, a connection that has not finished its handshake with a key the group's CA
 *   signed within {@link Limits#firstFrameMillis} is closed (in plaintext, one that has not
 *   carried a frame a member signed): when a read waits that long, or when another connection
 *   arrives after that time;</li>
 *   <li>a length over the limit closes the connection before the frame is read;</li>
 *   <li>at most {@link Limits#maxLinks} connections are open: past that a new one closes the oldest that
 *   has not yet carried a frame a member signed, and only if there is none the oldest of all (so
 *   a member that reconnects always gets in, and outsiders only ever push out each other).</li>
 * </ul>
 */
final class DirectListener implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DirectListener.class.getName());
    /** How long a new connection has to show it is a member's, by default. */
    static final int FIRST_FRAME_MILLIS = 5_000;

    /**
     * Who may hold a link, and how much.
     *
     * @param sources          the members' addresses, the only ones a link may come from; empty: any
     * @param frameBytes       the longest frame read
     * @param maxLinks         connections open at once
     * @param firstFrameMillis how long a new connection has to show it is a member's (its TLS
     *                         handshake, or in plaintext a frame a member signed); 0: no limit
     */
    record Limits(Set<InetAddress> sources, int frameBytes, int maxLinks, int firstFrameMillis) { }

    private final ServerSocket listener;
    private final Limits limits;
    private final Predicate<byte[]> inbound;
    private final Consumer<String> refused;
    private final ThreadFactory threads;
    /** A connection, and whether a member has shown itself on it (a frame it signed). */
    private static final class Link {
        final Socket socket;
        final long since = System.nanoTime();
        volatile boolean member;

        Link(Socket socket) {
            this.socket = socket;
        }
    }

    private final Deque<Link> links = new ArrayDeque<>();
    private final Thread acceptor;
    private volatile boolean closed;

    /**
     * @param inbound takes a frame; true if a member signed it
     * @param refused told why a connection was closed for what it sent
     * @throws IOException if the address cannot be listened on
     */
    DirectListener(InetSocketAddress address, LinkSockets sockets, Limits limits, Predicate<byte[]> inbound,
            Consumer<String> refused, ThreadFactory threads) throws IOException {
        this.limits = limits;
        this.inbound = inbound;
        this.refused = refused;
        this.threads = threads;
        this.listener = sockets.listen(address, 16);
        acceptor = threads.newThread(this::accept);
        acceptor.setName("regent-direct-accept");
        acceptor.start();
    }

    /** The port listened on (the one configured, or the one chosen for port 0). */
    int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            Socket s;
            try {
                s = listener.accept();
                s.setTcpNoDelay(true);
                s.setSoTimeout(limits.firstFrameMillis());
            } catch (IOException e) {
                if (!closed) {
                    LOG.warning(() -> "direct link listener failed: " + e);
                }
                return;
            }
            if (!limits.sources().isEmpty() && !limits.sources().contains(s.getInetAddress())) {
                refused.accept("a direct link from " + s.getInetAddress().getHostAddress() + ", no member's address");
                Closing.quietly(s);
                continue;
            }
            Link link = new Link(s);
            Link evicted = null;
            List<Link> overdue;
            synchronized (links) {
                // one that trickles bytes beats the read time-out, not this
                long deadline = System.nanoTime() - java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(limits.firstFrameMillis());
                overdue = limits.firstFrameMillis() == 0 ? List.of()
                        : links.stream().filter(l -> !l.member && l.since - deadline < 0).toList();
                links.removeAll(overdue);
                if (links.size() >= limits.maxLinks()) {
                    // an outsider's link first; if every link is a member's, the oldest (a member
                    // that reconnects leaves its stale link behind)
                    evicted = links.stream().filter(l -> !l.member).findFirst().orElse(links.peekFirst());
                    links.remove(evicted);
                }
                links.addLast(link);
            }
            if (evicted != null) {
                Closing.quietly(evicted.socket);
            }
            overdue.forEach(l -> Closing.quietly(l.socket));
            Thread reader = threads.newThread(() -> read(link));
            reader.setName("regent-direct-" + s.getRemoteSocketAddress());
            reader.start();
        }
    }

    private void read(Link link) {
        Socket s = link.socket;
        try {
            if (s instanceof javax.net.ssl.SSLSocket tls) {
                // a key the group's CA signed is the proof: the follower may have nothing to
                // send for a while after it connects, and a link closed meanwhile loses its next frame
                tls.startHandshake();
                link.member = true;
                s.setSoTimeout(0);
            }
        } catch (java.net.SocketTimeoutException e) {
            refused.accept("a direct link from " + s.getInetAddress().getHostAddress() + " did not finish its TLS "
                    + "handshake within " + limits.firstFrameMillis() + " ms");
            end(link);
            return;
        } catch (IOException e) {
            end(link); // no key of the group's
            return;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()))) {
            while (!closed) {
                int length = in.readInt();
                if (length <= 0 || length > limits.frameBytes()) {
                    refused.accept("a direct frame of " + length + " bytes, over the limit of " + limits.frameBytes());
                    return;
                }
                byte[] frame = new byte[length];
                in.readFully(frame);
                try {
                    if (inbound.test(frame) && !link.member) {
                        link.member = true;
                        s.setSoTimeout(0); // a member's link may be idle while no writes flow
                    }
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "a direct frame failed", e);
                }
            }
        } catch (java.net.SocketTimeoutException e) {
            refused.accept("a direct link from " + s.getInetAddress().getHostAddress() + " carried no member's frame within "
                    + limits.firstFrameMillis() + " ms");
        } catch (IOException e) {
            // the sender closed or failed; it connects again
        } finally {
            end(link);
        }
    }

    private void end(Link link) {
        synchronized (links) {
            links.remove(link);
        }
        Closing.quietly(link.socket);
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // nothing more to release
        }
        synchronized (links) {
            links.forEach(l -> Closing.quietly(l.socket));
            links.clear();
        }
    }
}

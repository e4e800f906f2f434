package io.regent.group;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Takes the frames other servers send straight to this one (DESIGN.md §4.4): accepts connections
 * on its address and reads length-prefixed frames, each connection on a thread of its own (a
 * frame is handled on the thread its bytes woke), handing each frame to {@code inbound}, which
 * checks its signature, sender and counter like a frame from the broker. Anyone may connect, so
 * a length over the limit closes the connection before the frame is read, and at most
 * {@code maxLinks} connections are open: past that a new one closes the oldest that has not yet
 * carried a frame a member signed, and only if there is none the oldest of all (so a member that
 * reconnects always gets in, and connections of outsiders only ever push out each other).
 */
final class DirectListener implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DirectListener.class.getName());

    private final ServerSocket listener;
    private final int frameLimit;
    private final int maxLinks;
    private final Predicate<byte[]> inbound;
    private final Consumer<String> refused;
    private final ThreadFactory threads;
    /** A connection, and whether a member has shown itself on it (a frame it signed). */
    private static final class Link {
        final Socket socket;
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
    DirectListener(InetSocketAddress address, int frameLimit, int maxLinks, Predicate<byte[]> inbound,
            Consumer<String> refused, ThreadFactory threads) throws IOException {
        this.frameLimit = frameLimit;
        this.maxLinks = maxLinks;
        this.inbound = inbound;
        this.refused = refused;
        this.threads = threads;
        this.listener = new ServerSocket();
        try {
            listener.setReuseAddress(true);
            listener.bind(address, 16);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
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
            } catch (IOException e) {
                if (!closed) {
                    LOG.warning(() -> "direct link listener failed: " + e);
                }
                return;
            }
            Link link = new Link(s);
            Link evicted = null;
            synchronized (links) {
                if (links.size() >= maxLinks) {
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
            Thread reader = threads.newThread(() -> read(link));
            reader.setName("regent-direct-" + s.getRemoteSocketAddress());
            reader.start();
        }
    }

    private void read(Link link) {
        Socket s = link.socket;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()))) {
            while (!closed) {
                int length = in.readInt();
                if (length <= 0 || length > frameLimit) {
                    refused.accept("a direct frame of " + length + " bytes, over the limit of " + frameLimit);
                    return;
                }
                byte[] frame = new byte[length];
                in.readFully(frame);
                try {
                    if (inbound.test(frame)) {
                        link.member = true;
                    }
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "a direct frame failed", e);
                }
            }
        } catch (IOException e) {
            // the sender closed or failed; it connects again
        } finally {
            synchronized (links) {
                links.remove(link);
            }
            Closing.quietly(s);
        }
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

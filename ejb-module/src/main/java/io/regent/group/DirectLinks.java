package io.regent.group;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Sends frames straight to other servers (DESIGN.md §4.4): one connection to each server this one
 * has sent to ({@link LinkSockets}: mutual TLS with the group's keys), carrying length-prefixed
 * sealed frames. The caller never waits on a peer: a frame goes to the link's own writer thread,
 * and a link that falls {@value #QUEUED} frames behind (its peer stopped reading), or has failed,
 * is closed and its frames lost, which the protocol repairs like any lost message. Connecting
 * happens on a thread of its own; until a connection is up, {@link #ready} says so and the caller
 * sends through the broker.
 */
final class DirectLinks implements TopicPublisher.Channel, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DirectLinks.class.getName());
    /** Between two attempts to connect to one server, ms: a dead one is not dialled in a loop. */
    private static final long RETRY_PAUSE = 200;
    private static final int CONNECT_TIMEOUT = 500;
    /** Frames a link holds for its writer before it counts as stuck. */
    static final int QUEUED = 1_024;

    private final Map<String, InetSocketAddress> addresses;
    private final LinkSockets sockets;
    private final java.net.InetAddress from;
    private final ThreadFactory threads;
    private final Map<String, Link> open = new ConcurrentHashMap<>();
    private final Map<String, Long> lastAttempt = new ConcurrentHashMap<>();
    private final ExecutorService connector;
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean closed;

    /** A connection and the frames waiting for its writer. */
    private final class Link {
        final String to;
        final Socket socket;
        final BlockingQueue<byte[]> frames = new ArrayBlockingQueue<>(QUEUED);
        private final AtomicBoolean ended = new AtomicBoolean();

        Link(String to, Socket socket) {
            this.to = to;
            this.socket = socket;
        }

        /** Closes the link, once; true for the call that did. */
        boolean end() {
            if (!ended.compareAndSet(false, true)) {
                return false;
            }
            Closing.quietly(socket);
            frames.clear();
            frames.offer(new byte[0]); // wakes the writer, which sees the link ended
            return true;
        }

        void write() {
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()))) {
                while (true) {
                    byte[] frame = frames.take();
                    if (ended.get()) {
                        return;
                    }
                    do {
                        out.writeInt(frame.length);
                        out.write(frame);
                        frame = frames.poll();
                    } while (frame != null);
                    out.flush(); // once per run of queued frames: what piled up goes in one write
                }
            } catch (IOException e) {
                drop(this);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * @param addresses where each server takes frames (itself included; never dialled)
     * @param self      this server, whose own address its links come from (null: any)
     */
    DirectLinks(Map<String, InetSocketAddress> addresses, String self, LinkSockets sockets, ThreadFactory threads) {
        this.addresses = addresses;
        InetSocketAddress own = self == null ? null : addresses.get(self);
        this.from = own == null ? null : own.getAddress();
        this.sockets = sockets;
        this.threads = threads;
        this.connector = Executors.newSingleThreadExecutor(r -> {
            Thread t = threads.newThread(r);
            t.setName("regent-direct-connect");
            return t;
        });
    }

    /** Whether a frame to {@code to} can go straight there now; if not, a connection is started. */
    boolean ready(String to) {
        if (to == null || !addresses.containsKey(to) || closed) {
            return false;
        }
        if (open.containsKey(to)) {
            return true;
        }
        long now = System.currentTimeMillis();
        boolean[] due = {false};
        lastAttempt.compute(to, (server, last) -> {
            due[0] = last == null || now - last >= RETRY_PAUSE;
            return due[0] ? now : last;
        });
        if (due[0]) {
            try {
                connector.execute(() -> connect(to));
            } catch (RejectedExecutionException e) {
                // closing
            }
        }
        return false;
    }

    @Override
    public void send(String to, byte[] frame) throws IOException {
        Link link = open.get(to);
        if (link == null) {
            throw new IOException("no direct link to " + to);
        }
        if (!link.frames.offer(frame)) {
            drop(link);
            throw new IOException("the direct link to " + to + " fell " + QUEUED + " frames behind");
        }
    }

    long connects() {
        return connects.get();
    }

    long failures() {
        return failures.get();
    }

    private void connect(String to) {
        Socket s;
        try {
            s = sockets.connect(addresses.get(to), from, CONNECT_TIMEOUT);
        } catch (IOException e) {
            failures.incrementAndGet();
            LOG.fine(() -> "no direct link to " + to + " at " + addresses.get(to) + ": " + e);
            return;
        }
        Link link = new Link(to, s);
        if (closed) {
            Closing.quietly(s);
            return;
        }
        Link previous = open.put(to, link);
        if (previous != null) {
            previous.end();
        }
        if (closed) { // closed while this link was being put in
            open.remove(to, link);
            link.end();
            return;
        }
        Thread writer = threads.newThread(link::write);
        writer.setName("regent-direct-to-" + to);
        writer.setDaemon(true);
        writer.start();
        connects.incrementAndGet();
    }

    /** A link failed or fell behind: the next frame to its server goes through the broker and dials again. */
    private void drop(Link link) {
        open.remove(link.to, link);
        if (link.end()) {
            failures.incrementAndGet();
        }
    }

    @Override
    public void close() {
        closed = true;
        connector.shutdownNow();
        open.values().forEach(Link::end);
        open.clear();
    }
}

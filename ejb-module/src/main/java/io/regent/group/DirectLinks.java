package io.regent.group;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Sends frames straight to other servers (DESIGN.md §4.4): one TCP connection to each server
 * this one has sent to, carrying length-prefixed sealed frames. A frame is written without
 * blocking: a connection that cannot take the whole frame at once, or has failed, is closed and
 * its frame lost, which the protocol repairs like any lost message. Connecting happens on a
 * thread of its own, never the caller's; until a connection is up, {@link #ready} says so and
 * the caller sends through the broker.
 */
final class DirectLinks implements TopicPublisher.Channel, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DirectLinks.class.getName());
    /** Between two attempts to connect to one server, ms: a dead one is not dialled in a loop. */
    private static final long RETRY_PAUSE = 200;
    private static final int CONNECT_TIMEOUT = 500;

    private final Map<String, InetSocketAddress> addresses;
    private final Map<String, SocketChannel> open = new ConcurrentHashMap<>();
    private final Map<String, Long> lastAttempt = new ConcurrentHashMap<>();
    private final ExecutorService connector;
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean closed;

    /** @param addresses where each server takes frames (itself included; never dialled) */
    DirectLinks(Map<String, InetSocketAddress> addresses, ThreadFactory threads) {
        this.addresses = addresses;
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
        SocketChannel c = open.get(to);
        if (c == null) {
            throw new IOException("no direct link to " + to);
        }
        ByteBuffer b = ByteBuffer.allocate(4 + frame.length).putInt(frame.length).put(frame).flip();
        try {
            c.write(b);
        } catch (IOException e) {
            drop(to, c);
            throw e;
        }
        if (b.hasRemaining()) {
            // part of a frame went: what follows would be misread, so the link starts again
            drop(to, c);
            throw new IOException("the direct link to " + to + " did not take a whole frame");
        }
    }

    long connects() {
        return connects.get();
    }

    long failures() {
        return failures.get();
    }

    private void connect(String to) {
        SocketChannel c = null;
        try {
            c = SocketChannel.open();
            c.socket().setTcpNoDelay(true);
            c.socket().connect(addresses.get(to), CONNECT_TIMEOUT);
            c.configureBlocking(false);
            if (closed) {
                c.close();
                return;
            }
            SocketChannel previous = open.put(to, c);
            if (previous != null) {
                previous.close();
            }
            connects.incrementAndGet();
        } catch (IOException e) {
            failures.incrementAndGet();
            Closing.quietly(c);
            LOG.fine(() -> "no direct link to " + to + " at " + addresses.get(to) + ": " + e);
        }
    }

    private void drop(String to, SocketChannel c) {
        failures.incrementAndGet();
        open.remove(to, c);
        Closing.quietly(c);
    }

    @Override
    public void close() {
        closed = true;
        connector.shutdownNow();
        open.values().forEach(Closing::quietly);
        open.clear();
    }
}

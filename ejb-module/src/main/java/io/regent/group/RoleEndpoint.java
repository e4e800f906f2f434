package io.regent.group;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What a load balancer polls many times a second, on a port of its own beside Liberty's:
 * {@code GET /role/master} is 200 on the master open for writes and 503 elsewhere,
 * {@code GET /role/member} is 200 on a server caught up (Patroni's role endpoints). Only a role is
 * told, so it needs neither authentication nor TLS.
 *
 * <p>One thread serves every connection without blocking on any: a client that connects and then
 * sends nothing, or sends slowly, must not hold up the load balancer's checks (a server that
 * answers no check is taken out of rotation). So a request has {@link #REQUEST_TIME} and
 * {@link #REQUEST_BYTES} to arrive whole, and every answer closes its connection, as a check
 * expects. A flood of connections does not crowd the checks out: a new connection is read at
 * once (a check sends its request as it connects, so it is usually answered there), at most
 * {@link #ACCEPTS_PER_ROUND} are taken between two rounds of reading the others, one source keeps
 * at most {@link #MAX_PER_SOURCE} open, and past {@link #MAX_OPEN} the source with the most open
 * loses one: the oldest that has sent nothing, before any request in progress. With a list of
 * sources (the load balancers'), a connection from any other address is closed as it is taken,
 * so an attacker with many addresses cannot evict a check whose request has not arrived yet.
 */
final class RoleEndpoint implements AutoCloseable {

    static final long REQUEST_TIME = 1_000;
    static final int REQUEST_BYTES = 2_048;
    static final int MAX_OPEN = 128;
    static final int MAX_PER_SOURCE = 32;
    static final int ACCEPTS_PER_ROUND = 256;
    /** Connections the kernel holds until they are taken: a flood must not fill it before a check gets in. */
    static final int BACKLOG = 1_024;

    private static final Logger LOG = Logger.getLogger(RoleEndpoint.class.getName());
    private static final long SWEEP = 100;

    /** A request still arriving: what came so far, and when it must be whole. */
    private static final class Open {
        final ByteBuffer in = ByteBuffer.allocate(REQUEST_BYTES);
        final InetAddress source;
        final long deadline;
        ByteBuffer out;

        Open(InetAddress source, long deadline) {
            this.source = source;
            this.deadline = deadline;
        }
    }

    private final java.util.Set<InetAddress> sources;
    private final BooleanSupplier master;
    private final BooleanSupplier member;
    private final Supplier<String> why;
    private final Selector selector;
    private final ServerSocketChannel listener;
    private final Deque<SelectionKey> open = new ArrayDeque<>();
    /** The open requests of each source, oldest first. */
    private final Map<InetAddress, Deque<SelectionKey>> bySource = new HashMap<>();
    private final Thread worker;
    private volatile boolean closed;

    /**
     * @param sources the only addresses a check may come from; empty: any
     * @param why     what this server is instead of the master open for writes: the body of a 503
     */
    RoleEndpoint(String host, int port, java.util.Set<InetAddress> sources, BooleanSupplier master,
            BooleanSupplier member, Supplier<String> why) throws IOException {
        this.sources = sources;
        this.master = master;
        this.member = member;
        this.why = why;
        this.selector = Selector.open();
        this.listener = ServerSocketChannel.open();
        try {
            listener.bind(new InetSocketAddress(host, port), BACKLOG);
            listener.configureBlocking(false);
            listener.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            listener.close();
            selector.close();
            throw e;
        }
        this.worker = new Thread(this::serve, "regent-role-endpoint");
        worker.setDaemon(true);
        worker.start();
    }

    /** The port it listens on (the one asked for, or the one given for 0). */
    int port() {
        return listener.socket().getLocalPort();
    }

    private void serve() {
        try {
            while (!closed) {
                selector.select(SWEEP);
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    handle(key);
                }
                expire(System.currentTimeMillis());
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "role endpoint stopped", e);
        } finally {
            while (!open.isEmpty()) {
                close(open.pollFirst());
            }
            Closing.quietly(listener);
            Closing.quietly(selector);
        }
    }

    private void handle(SelectionKey key) {
        try {
            if (!key.isValid()) {
                return;
            }
            if (key.isAcceptable()) {
                accept();
                return;
            }
            if (key.isReadable()) {
                read(key);
            } else if (key.isWritable()) {
                write(key);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "role endpoint: a connection failed", e);
            if (key.channel() != listener) {
                close(key);
            } else {
                pauseAfterFailedAccept(); // out of file descriptors, say: the port stays open
            }
        }
    }

    private void accept() throws IOException {
        SocketChannel c;
        for (int taken = 0; taken < ACCEPTS_PER_ROUND && (c = listener.accept()) != null; taken++) {
            SelectionKey key;
            try {
                InetAddress source = ((InetSocketAddress) c.getRemoteAddress()).getAddress();
                if (!sources.isEmpty() && !sources.contains(source)) {
                    Closing.quietly(c); // not a load balancer: it takes no place a check could need
                    continue;
                }
                Deque<SelectionKey> its = bySource.get(source);
                if (its != null && its.size() >= MAX_PER_SOURCE) {
                    close(quietest(its));
                } else if (open.size() >= MAX_OPEN) {
                    close(quietest(busiestSource()));
                }
                c.configureBlocking(false);
                key = c.register(selector, SelectionKey.OP_READ, new Open(source, System.currentTimeMillis() + REQUEST_TIME));
                open.addLast(key);
                bySource.computeIfAbsent(source, a -> new ArrayDeque<>()).addLast(key);
            } catch (IOException | RuntimeException e) {
                Closing.quietly(c);
                throw e;
            }
            readAtOnce(key);
        }
    }

    /** A check sends its request as it connects: it is often there already, and answered at once. */
    private void readAtOnce(SelectionKey key) {
        try {
            read(key);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "role endpoint: a connection failed", e);
            close(key);
        }
    }

    /** The open requests of the source with the most. */
    private Deque<SelectionKey> busiestSource() {
        Deque<SelectionKey> busiest = null;
        for (Deque<SelectionKey> d : bySource.values()) {
            if (busiest == null || d.size() > busiest.size()) {
                busiest = d;
            }
        }
        return busiest;
    }

    /** The oldest that has sent nothing yet, or else the oldest: never a request in progress if avoidable. */
    private static SelectionKey quietest(Deque<SelectionKey> keys) {
        for (SelectionKey k : keys) {
            if (((Open) k.attachment()).in.position() == 0) {
                return k;
            }
        }
        return keys.peekFirst();
    }

    /** The listener stays ready while accepting fails: wait a little rather than spin. */
    private static void pauseAfterFailedAccept() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void read(SelectionKey key) throws IOException {
        Open o = (Open) key.attachment();
        int n = ((SocketChannel) key.channel()).read(o.in);
        if (n < 0) {
            close(key);
            return;
        }
        String request = new String(o.in.array(), 0, o.in.position(), StandardCharsets.ISO_8859_1);
        if (request.contains("\r\n\r\n") || request.contains("\n\n")) {
            reply(key, answer(request));
        } else if (!o.in.hasRemaining()) {
            reply(key, response(431, "Request Header Fields Too Large", "request over " + REQUEST_BYTES + " bytes\n", false));
        }
    }

    /** Writes what it can now; the rest when the client reads (within the request's time). */
    private void reply(SelectionKey key, byte[] response) throws IOException {
        ((Open) key.attachment()).out = ByteBuffer.wrap(response);
        key.interestOps(SelectionKey.OP_WRITE);
        write(key);
    }

    private void write(SelectionKey key) throws IOException {
        Open o = (Open) key.attachment();
        ((SocketChannel) key.channel()).write(o.out);
        if (!o.out.hasRemaining()) {
            close(key);
        }
    }

    /** The answer to a whole request: its first line says the method and the path. */
    private byte[] answer(String request) {
        String[] line = request.substring(0, request.indexOf('\n')).trim().split(" ");
        if (line.length < 2) {
            return response(400, "Bad Request", "not an HTTP request\n", false);
        }
        boolean head = "HEAD".equals(line[0]);
        if (!head && !"GET".equals(line[0])) {
            return response(405, "Method Not Allowed", "GET or HEAD\n", false);
        }
        String path = line[1].contains("?") ? line[1].substring(0, line[1].indexOf('?')) : line[1];
        boolean up;
        if ("/role/master".equals(path)) {
            up = master.getAsBoolean();
        } else if ("/role/member".equals(path)) {
            up = member.getAsBoolean();
        } else {
            return response(404, "Not Found", "/role/master or /role/member\n", head);
        }
        return up ? response(200, "OK", "yes\n", head) : response(503, "Service Unavailable", why.get() + "\n", head);
    }

    private static byte[] response(int status, String reason, String body, boolean head) {
        byte[] text = body.getBytes(StandardCharsets.UTF_8);
        String headers = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + text.length + "\r\nConnection: close\r\n\r\n";
        byte[] h = headers.getBytes(StandardCharsets.ISO_8859_1);
        if (head) {
            return h;
        }
        byte[] all = new byte[h.length + text.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(text, 0, all, h.length, text.length);
        return all;
    }

    /** Requests (and answers the client does not read) past their time are dropped, oldest first. */
    private void expire(long now) {
        while (!open.isEmpty() && ((Open) open.peekFirst().attachment()).deadline <= now) {
            close(open.pollFirst());
        }
    }

    private void close(SelectionKey key) {
        if (key == null) {
            return;
        }
        open.remove(key);
        Deque<SelectionKey> its = bySource.get(((Open) key.attachment()).source);
        if (its != null) {
            its.remove(key);
            if (its.isEmpty()) {
                bySource.remove(((Open) key.attachment()).source);
            }
        }
        key.cancel();
        Closing.quietly(key.channel());
    }

    /** Stops serving; the serving thread closes every connection and the port. */
    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            worker.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

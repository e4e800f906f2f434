package io.regent.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy that adds a one-way delay to every byte in both directions (the kernel here has no
 * netem): a server's connection to its broker passes through one, so every message it sends or
 * receives takes that much longer. Bytes keep their order; each is held until its arrival time
 * plus the delay. Closed with {@link #close()}, which ends every connection it carries.
 */
public final class DelayProxy implements AutoCloseable {

    private record Held(long due, byte[] bytes) { }

    private static final byte[] END = new byte[0];

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final long delayNanos;
    private final List<Socket> sockets = new ArrayList<>();
    private volatile boolean open = true;

    /** Listens on {@code bind} and forwards to {@code target}, {@code delayMillis} each way. */
    public DelayProxy(InetSocketAddress bind, InetSocketAddress target, long delayMillis) throws IOException {
        this.listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(bind);
        this.target = target;
        this.delayNanos = TimeUnit.MILLISECONDS.toNanos(delayMillis);
        Thread accept = new Thread(this::accept, "delay-proxy-" + bind.getPort());
        accept.setDaemon(true);
        accept.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (open) {
            try {
                Socket client = listener.accept();
                Socket upstream = new Socket();
                upstream.connect(target, 2_000);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                synchronized (sockets) {
                    sockets.add(client);
                    sockets.add(upstream);
                }
                pipe(client, upstream);
                pipe(upstream, client);
            } catch (IOException e) {
                if (!open) {
                    return;
                }
            }
        }
    }

    /** One direction: a reader stamps what arrives, a writer sends it once it is due. */
    private void pipe(Socket from, Socket to) throws IOException {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        BlockingQueue<Held> queue = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    queue.add(new Held(System.nanoTime() + delayNanos, Arrays.copyOf(buffer, n)));
                }
            } catch (IOException ignored) {
                // the other side went away
            }
            queue.add(new Held(System.nanoTime() + delayNanos, END));
        }, "delay-proxy-read");
        Thread writer = new Thread(() -> {
            try {
                while (true) {
                    Held h = queue.take();
                    long wait = h.due() - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    if (h.bytes() == END) {
                        break;
                    }
                    out.write(h.bytes());
                    out.flush();
                }
            } catch (IOException | InterruptedException ignored) {
                // closed
            }
            closeQuietly(to);
            closeQuietly(from);
        }, "delay-proxy-write");
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
    }

    @Override
    public void close() {
        open = false;
        closeQuietly(listener);
        synchronized (sockets) {
            sockets.forEach(DelayProxy::closeQuietly);
            sockets.clear();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // already closed
        }
    }
}

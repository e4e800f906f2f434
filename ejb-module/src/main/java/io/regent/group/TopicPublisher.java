package io.regent.group;

import io.regent.host.LatencyStats;
import io.regent.wire.Frame;
import io.regent.wire.FrameCodec;
import io.regent.wire.Topic;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Publishes one topic's messages in order, sealed in signed {@link Frame}s, through a queue, so
 * that a slow or dead broker never blocks the engine: messages are queued under the engine's lock
 * and sent after it is released. One thread at a time sends, and it sends until the queue is
 * empty: the thread that queued a message sends it itself when nobody else is sending (no
 * hand-off to wake, on the master's request threads and a backup's delivery thread alike),
 * otherwise the sending thread takes it with what else queued meanwhile, in one batch. A send
 * that stalls on the broker holds up the thread making it and what queued behind it, never the
 * engine. The queue is bounded in bytes: when it is full, the newest message is dropped and
 * counted, since the protocol and the request stream tolerate loss (a lost write is fetched
 * again), not a stalled engine or an exhausted heap.
 */
final class TopicPublisher<M> implements AutoCloseable {

    /**
     * How a topic's messages are addressed (a server id, or null for every server), weighed for
     * the queue's bound, written, which of those waiting in the queue may go out as one, and the
     * protocol version a message must go out at (0: the group's, as the sender has it then).
     */
    record Format<M>(Function<M, String> to, ToLongFunction<M> weight, Function<M, byte[]> encode,
            UnaryOperator<List<M>> coalesce, ToIntFunction<M> version) {

        /** A format whose messages all go out at the group's version. */
        Format(Function<M, String> to, ToLongFunction<M> weight, Function<M, byte[]> encode,
                UnaryOperator<List<M>> coalesce) {
            this(to, weight, encode, coalesce, m -> 0);
        }
    }

    /** Where sealed frames go: a topic on the broker, or straight to one server. */
    interface Channel {
        /** Sends a sealed frame to {@code to} (null: every server); throws if it could not go. */
        void send(String to, byte[] frame) throws Exception;
    }

    /** Who seals: this server in this run, at the protocol version it writes now (DESIGN.md §8.1). */
    record Sender(String group, String self, long incarnation, FrameCodec codec, IntSupplier wireVersion) { }

    static final String TO = "regentTo";
    static final String FROM = "regentFrom";
    private static final Logger LOG = Logger.getLogger(TopicPublisher.class.getName());
    private static final int BATCH = 256;
    /** What a message weighs beyond its own content: its frame, properties and bookkeeping. */
    private static final long OVERHEAD = 256;

    private record Queued<T>(T message, long weight, long since) { }

    private final Topic topic;
    private final Sender sender;
    private final Format<M> format;
    private final long capacity;
    private final Deque<Queued<M>> queue = new ArrayDeque<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong overflowed = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    /** From publish to the send's start, µs: what the queue adds to a hop. */
    private final LatencyStats queueWait = new LatencyStats(1_024);
    /** The send call itself, µs. */
    private final LatencyStats sendTime = new LatencyStats(1_024);
    /** Used by whichever thread holds the right to send. */
    private final Channel channel;
    private long queuedBytes;
    /** A thread is sending: the others only queue. Guarded by the queue. */
    private boolean sending;
    private boolean closed;
    /** Threads in {@link #flush}: only they need waking when the queue empties. */
    private int flushing;
    private long counter;

    /** @param capacity the most bytes the queue holds */
    TopicPublisher(Topic topic, Channel channel, long capacity, Format<M> format, Sender sender) {
        this.topic = topic;
        this.channel = channel;
        this.capacity = capacity;
        this.format = format;
        this.sender = sender;
    }

    /** Queues a message that the caller sends with {@link #sendQueued} once it holds no lock. */
    void offer(M message) {
        synchronized (queue) {
            add(message);
        }
    }

    /** Sends what is queued on this thread, unless another thread is sending it already. */
    void sendQueued() {
        synchronized (queue) {
            if (sending || closed || queue.isEmpty()) {
                return;
            }
            sending = true;
        }
        sendWhileQueued();
    }

    private boolean add(M message) {
        long weight = format.weight().applyAsLong(message) + OVERHEAD;
        if (queuedBytes + weight > capacity) {
            overflowed.incrementAndGet();
            return false;
        }
        queue.addLast(new Queued<>(message, weight, System.nanoTime()));
        queuedBytes += weight;
        return true;
    }

    long sent() {
        return sent.get();
    }

    long overflowed() {
        return overflowed.get();
    }

    long failures() {
        return failures.get();
    }

    LatencyStats.Summary queueWait() {
        return queueWait.summary();
    }

    LatencyStats.Summary sendTime() {
        return sendTime.summary();
    }

    long queuedBytes() {
        synchronized (queue) {
            return queuedBytes;
        }
    }

    /** Waits up to {@code millis} for what is queued to go out. */
    void flush(long millis) {
        long end = System.currentTimeMillis() + millis;
        synchronized (queue) {
            flushing++;
            try {
                while ((!queue.isEmpty() || sending) && System.currentTimeMillis() < end) {
                    queue.wait(Math.max(1, end - System.currentTimeMillis()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                flushing--;
            }
        }
    }

    /** Holding the right to send: sends batch after batch until the queue is empty, then gives the right up. */
    private void sendWhileQueued() {
        boolean released = false;
        try {
            while (true) {
                List<M> taken;
                synchronized (queue) {
                    if (closed || queue.isEmpty()) {
                        released = true;
                        release();
                        return;
                    }
                    taken = take();
                }
                send(taken);
            }
        } finally {
            if (!released) {
                synchronized (queue) {
                    release();
                }
            }
        }
    }

    /** Gives up the right to send; wakes a flush waiting for it. */
    private void release() {
        sending = false;
        if (flushing > 0) {
            queue.notifyAll();
        }
    }

    /** Whatever queued up while the last send was on its way goes out together. */
    private List<M> take() {
        List<M> taken = new ArrayList<>();
        while (!queue.isEmpty() && taken.size() < BATCH) {
            Queued<M> q = queue.pollFirst();
            queuedBytes -= q.weight();
            taken.add(q.message());
            queueWait.add((System.nanoTime() - q.since()) / 1_000);
        }
        return taken;
    }

    private void send(List<M> taken) {
        for (M next : format.coalesce().apply(taken)) {
            try {
                long began = System.nanoTime();
                String to = format.to().apply(next);
                int version = format.version().applyAsInt(next);
                Frame frame = new Frame(version == 0 ? sender.wireVersion().getAsInt() : version, topic, sender.group(), sender.self(), to == null ? "" : to,
                        sender.incarnation(), ++counter, System.currentTimeMillis(), format.encode().apply(next));
                channel.send(to, sender.codec().seal(frame));
                sendTime.add((System.nanoTime() - began) / 1_000);
                sent.incrementAndGet();
            } catch (Exception e) {
                failures.incrementAndGet();
                LOG.log(Level.FINE, "send to " + topic + " failed", e);
            }
        }
    }

    @Override
    public void close() {
        synchronized (queue) {
            closed = true;
            queue.clear();
            queuedBytes = 0;
            queue.notifyAll();
        }
    }
}

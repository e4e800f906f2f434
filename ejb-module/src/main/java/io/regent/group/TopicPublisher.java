package io.regent.group;

import io.regent.host.LatencyStats;
import io.regent.wire.Frame;
import io.regent.wire.FrameCodec;
import io.regent.wire.Topic;
import jakarta.jms.JMSException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Publishes one topic's messages from one thread of its own, in order, sealed in signed
 * {@link Frame}s, so that a slow or dead broker never blocks the engine. The queue is bounded in bytes: when it is full, the newest
 * message is dropped and counted, since the protocol and the request stream tolerate loss (a lost
 * write is fetched again), not a stalled engine or an exhausted heap.
 */
final class TopicPublisher<M> implements AutoCloseable {

    /**
     * How a topic's messages are addressed (a server id, or null for every server), weighed for
     * the queue's bound, written, and which of those waiting in the queue may go out as one.
     */
    record Format<M>(Function<M, String> to, ToLongFunction<M> weight, Function<M, byte[]> encode,
            UnaryOperator<List<M>> coalesce) {
    }

    /** Who seals: this server in this run. */
    record Sender(String group, String self, long incarnation, FrameCodec codec) { }

    static final String TO = "regentTo";
    static final String FROM = "regentFrom";
    private static final Logger LOG = Logger.getLogger(TopicPublisher.class.getName());
    private static final long TIME_TO_LIVE = 10_000;
    private static final int BATCH = 256;
    /** What a message weighs beyond its own content: its frame, properties and bookkeeping. */
    private static final long OVERHEAD = 256;

    private record Queued(Object message, long weight, long since) { }

    private static final Object STOP = new Object();

    private final Fabric fabric;
    private final Topic topic;
    private final Sender sender;
    private final Format<M> format;
    private final long capacity;
    private final Deque<Queued> queue = new ArrayDeque<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong overflowed = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    /** From publish to the send's start, µs: what the queue adds to a hop. */
    private final LatencyStats queueWait = new LatencyStats(1_024);
    /** The send call itself, µs. */
    private final LatencyStats sendTime = new LatencyStats(1_024);
    private final Thread worker;
    private long queuedBytes;
    private long counter;

    /** @param capacity the most bytes the queue holds */
    TopicPublisher(Topic topic, Fabric fabric, long capacity, Format<M> format, Sender sender, ThreadFactory threads) {
        this.topic = topic;
        this.fabric = fabric;
        this.capacity = capacity;
        this.format = format;
        this.sender = sender;
        this.worker = threads.newThread(this::drain);
        worker.setName("regent-publisher-" + topic.name().toLowerCase(java.util.Locale.ROOT));
        worker.start();
    }

    void publish(M message) {
        long weight = format.weight().applyAsLong(message) + OVERHEAD;
        synchronized (queue) {
            if (queuedBytes + weight > capacity) {
                overflowed.incrementAndGet();
                return;
            }
            queue.addLast(new Queued(message, weight, System.nanoTime()));
            queuedBytes += weight;
            queue.notifyAll();
        }
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
            while (!queue.isEmpty() && System.currentTimeMillis() < end) {
                try {
                    queue.wait(Math.max(1, end - System.currentTimeMillis()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private List<Object> take() throws InterruptedException {
        List<Object> taken = new ArrayList<>();
        synchronized (queue) {
            while (queue.isEmpty()) {
                queue.wait();
            }
            // whatever queued up while the last send was on its way goes out together
            while (!queue.isEmpty() && taken.size() < BATCH) {
                Queued q = queue.pollFirst();
                queuedBytes -= q.weight();
                taken.add(q.message());
                if (q.since() > 0) {
                    queueWait.add((System.nanoTime() - q.since()) / 1_000);
                }
            }
            queue.notifyAll();
        }
        return taken;
    }

    private void drain() {
        Fabric.Sender channel = fabric.sender(topic);
        while (true) {
            List<Object> taken;
            try {
                taken = take();
            } catch (InterruptedException e) {
                break;
            }
            boolean stop = taken.remove(STOP);
            for (M next : format.coalesce().apply(messages(taken))) {
                try {
                    long began = System.nanoTime();
                    String to = format.to().apply(next);
                    Frame frame = new Frame(topic, sender.group(), sender.self(), to == null ? "" : to,
                            sender.incarnation(), ++counter, System.currentTimeMillis(), format.encode().apply(next));
                    channel.send(to, sender.codec().seal(frame), TIME_TO_LIVE);
                    sendTime.add((System.nanoTime() - began) / 1_000);
                    sent.incrementAndGet();
                } catch (JMSException | RuntimeException e) {
                    failures.incrementAndGet();
                    LOG.log(Level.FINE, "send to " + topic + " failed", e);
                }
            }
            if (stop) {
                break;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private List<M> messages(List<Object> taken) {
        return (List<M>) (List<?>) taken;
    }

    @Override
    public void close() {
        synchronized (queue) {
            queue.clear();
            queuedBytes = 0;
            queue.addLast(new Queued(STOP, 0, 0));
            queue.notifyAll();
        }
        try {
            worker.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

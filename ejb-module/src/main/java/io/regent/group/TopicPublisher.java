package io.regent.group;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.Topic;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Publishes signed messages on one topic from one thread of its own, in order, so that a slow
 * or dead broker never blocks an engine (a send to a dead broker blocks inside the resource
 * adapter). When the queue is full, the newest message is dropped and counted: the protocol
 * and the request stream tolerate loss (a lost write is fetched again), not a stalled engine.
 */
final class TopicPublisher<M> implements AutoCloseable {

    /**
     * How a topic's messages are addressed (a server id, or null for every server) and written,
     * and which of those waiting in the queue may go out as one.
     */
    record Format<M>(Function<M, String> to, Function<M, String> encode, UnaryOperator<List<M>> coalesce) {

        static <M> Format<M> of(Function<M, String> to, Function<M, String> encode) {
            return new Format<>(to, encode, UnaryOperator.identity());
        }
    }


    static final String TO = "regentTo";
    static final String FROM = "regentFrom";
    static final String SIGNATURE = "regentSig";
    private static final Logger LOG = Logger.getLogger(TopicPublisher.class.getName());
    private static final long TIME_TO_LIVE = 10_000;

    private static final int BATCH = 256;
    private static final Object STOP = new Object();

    private final ConnectionFactory factory;
    private final String topicName;
    private final MessageSigner signer;
    private final BrokerLink broker;
    private final Format<M> format;
    private final BlockingQueue<Object> queue;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong overflowed = new AtomicLong();
    private final Thread worker;

    private final String self;

    /** @param self this server's id, set on every message so that a selector can skip one's own */
    TopicPublisher(String self, ConnectionFactory factory, String topicName, int capacity, Format<M> format,
            MessageSigner signer, BrokerLink broker, ThreadFactory threads) {
        this.self = self;
        this.factory = factory;
        this.format = format;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.topicName = topicName;
        this.signer = signer;
        this.broker = broker;
        this.worker = threads.newThread(this::drain);
        worker.setName("regent-publisher-" + topicName);
        worker.start();
    }

    void publish(M message) {
        if (!queue.offer(message)) {
            overflowed.incrementAndGet();
        }
    }

    long sent() {
        return sent.get();
    }

    long overflowed() {
        return overflowed.get();
    }

    /** Waits up to {@code millis} for what is queued to go out. */
    void flush(long millis) {
        long end = System.currentTimeMillis() + millis;
        while (!queue.isEmpty() && System.currentTimeMillis() < end) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void drain() {
        JMSContext context = null;
        List<Object> taken = new ArrayList<>();
        while (true) {
            taken.clear();
            try {
                taken.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            // whatever queued up while the last send was on its way goes out together
            queue.drainTo(taken, BATCH - 1);
            boolean stop = taken.remove(STOP);
            for (M next : format.coalesce().apply(messages(taken))) {
                try {
                    if (context == null) {
                        context = factory.createContext();
                    }
                    send(context, format.to().apply(next), format.encode().apply(next));
                    sent.incrementAndGet();
                } catch (RuntimeException e) {
                    broker.sendFailed(System.currentTimeMillis(), e.toString());
                    LOG.log(Level.FINE, "send to " + topicName + " failed", e);
                    context = closeQuietly(context);
                }
            }
            if (stop) {
                break;
            }
        }
        closeQuietly(context);
    }

    @SuppressWarnings("unchecked")
    private List<M> messages(List<Object> taken) {
        return (List<M>) (List<?>) taken;
    }

    private void send(JMSContext context, String to, String body) {
        Topic topic = context.createTopic(topicName);
        JMSProducer producer = context.createProducer()
                .setDeliveryMode(DeliveryMode.NON_PERSISTENT)
                .setTimeToLive(TIME_TO_LIVE)
                .setProperty(FROM, self)
                .setProperty(SIGNATURE, signer.sign(body));
        if (to != null) {
            producer.setProperty(TO, to);
        }
        producer.send(topic, body);
    }

    private static JMSContext closeQuietly(JMSContext context) {
        if (context != null) {
            try {
                context.close();
            } catch (RuntimeException ignored) {
                // the connection is already broken; a new one is made for the next send
            }
        }
        return null;
    }

    @Override
    public void close() {
        queue.clear();
        queue.offer(STOP);
        try {
            worker.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.regent.group;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.Topic;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Publishes group messages on the control topic from one thread of its own, in order, so that
 * a slow or dead broker never blocks the engine (a send to a dead broker blocks inside the
 * resource adapter). When the queue is full, the newest message is dropped and counted: the
 * protocol tolerates loss, it cannot tolerate a stalled engine.
 */
final class ControlPublisher implements AutoCloseable {

    static final String TO = "regentTo";
    static final String SIGNATURE = "regentSig";
    private static final Logger LOG = Logger.getLogger(ControlPublisher.class.getName());
    private static final long TIME_TO_LIVE = 10_000;

    private record Outgoing(String to, String body) { }

    private static final Outgoing STOP = new Outgoing(null, null);

    private final ConnectionFactory factory;
    private final String topicName;
    private final MessageSigner signer;
    private final BrokerLink broker;
    private final BlockingQueue<Outgoing> queue = new ArrayBlockingQueue<>(1_000);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong overflowed = new AtomicLong();
    private final Thread worker;

    ControlPublisher(ConnectionFactory factory, String topicName, MessageSigner signer, BrokerLink broker,
            ThreadFactory threads) {
        this.factory = factory;
        this.topicName = topicName;
        this.signer = signer;
        this.broker = broker;
        this.worker = threads.newThread(this::drain);
        worker.setName("regent-publisher");
        worker.start();
    }

    /** @param to a server id, or null for every server */
    void publish(String to, String body) {
        if (!queue.offer(new Outgoing(to, body))) {
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
        while (true) {
            Outgoing next;
            try {
                next = queue.take();
            } catch (InterruptedException e) {
                break;
            }
            if (next == STOP) {
                break;
            }
            try {
                if (context == null) {
                    context = factory.createContext();
                }
                send(context, next);
                sent.incrementAndGet();
            } catch (RuntimeException e) {
                broker.sendFailed(System.currentTimeMillis(), e.toString());
                LOG.log(Level.FINE, "control send failed", e);
                context = closeQuietly(context);
            }
        }
        closeQuietly(context);
    }

    private void send(JMSContext context, Outgoing out) {
        Topic topic = context.createTopic(topicName);
        JMSProducer producer = context.createProducer()
                .setDeliveryMode(DeliveryMode.NON_PERSISTENT)
                .setTimeToLive(TIME_TO_LIVE)
                .setProperty(SIGNATURE, signer.sign(out.body()));
        if (out.to() != null) {
            producer.setProperty(TO, out.to());
        }
        producer.send(topic, out.body());
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

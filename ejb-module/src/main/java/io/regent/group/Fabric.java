package io.regent.group;

import io.regent.wire.Topic;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.activemq.artemis.api.jms.ActiveMQJMSConstants;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The messaging fabric as this server sees it (DESIGN.md §4, no single point of failure): one JMS
 * connection at a time to one broker of an ordered list, the same list on every server, so that
 * all servers meet on the first broker that works and a message crosses one broker only. When the
 * connection fails (the broker died, or this server was cut off from it) the next broker is tried
 * at once, and the brokers' cluster forwards between servers that ended up on different ones.
 *
 * <p>Each topic has a consumer session of its own (delivery in order, on the client's thread) with
 * a selector for broadcasts and frames addressed to this server; each sending thread has a
 * session of its own, made again after a reconnect. A frame longer than the limit is dropped
 * before it is read.
 */
final class Fabric implements AutoCloseable {

    /** Where frames go once they arrived, and who is told when the link to the fabric fails or returns. */
    interface Inbound {
        void receive(Topic topic, byte[] frame);

        void drop(Topic topic, String reason);

        void link(boolean up);

        /** The broker saw {@code user}'s consumer of the control topic close (a server's broker user is its id). */
        void departed(String user);
    }

    private static final Logger LOG = Logger.getLogger(Fabric.class.getName());
    private static final long RETRY_PAUSE = 200;
    private static final String NOTIFICATIONS = "activemq.notifications";
    /** A frame the broker could not deliver within this is stale to every receiver: dropped, ms. */
    private static final long TIME_TO_LIVE = 10_000;

    private final List<BrokerEndpoint> brokers;
    private final String user;
    private final String password;
    private final String self;
    private final Map<Topic, String> topics;
    private final long frameLimit;
    private final Inbound inbound;
    private final BrokerLink link;
    private final Thread connector;
    private final Object lock = new Object();
    private final AtomicLong failovers = new AtomicLong();
    private Connection connection;
    private BrokerEndpoint current;
    private BrokerEndpoint lastFailed;
    private long generation;
    private boolean closed;

    Fabric(List<BrokerEndpoint> brokers, String user, String password, String self, Map<Topic, String> topics, long frameLimit,
            Inbound inbound, BrokerLink link, ThreadFactory threads) {
        this.brokers = List.copyOf(brokers);
        this.user = user;
        this.password = password;
        this.self = self;
        this.topics = Map.copyOf(topics);
        this.frameLimit = frameLimit;
        this.inbound = inbound;
        this.link = link;
        this.connector = threads.newThread(this::keepConnected);
        connector.setName("regent-fabric");
        connector.start();
    }

    /** The broker this server is connected to now, or null. */
    String currentBroker() {
        synchronized (lock) {
            return current == null ? null : current.name();
        }
    }

    /** Times this server moved to another broker because its broker failed. */
    long failovers() {
        return failovers.get();
    }

    /** A sender's way onto the fabric; not thread-safe: one thread at a time uses it. */
    Sender sender(Topic topic) {
        return new Sender(topic);
    }

    // ---- connecting ---------------------------------------------------------------------

    private void keepConnected() {
        while (true) {
            synchronized (lock) {
                while (connection != null && !closed) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
            }
            if (!connectToFirstThatWorks()) {
                try {
                    Thread.sleep(RETRY_PAUSE);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /**
     * Tries the brokers in the list's order, but after a failure starts with the one after the
     * broker that failed: it is likely still dead, and every server moves to the same next one.
     */
    private boolean connectToFirstThatWorks() {
        int start;
        synchronized (lock) {
            start = lastFailed == null ? 0 : (brokers.indexOf(lastFailed) + 1) % brokers.size();
        }
        for (int k = 0; k < brokers.size(); k++) {
            BrokerEndpoint b = brokers.get((start + k) % brokers.size());
            Connection c = null;
            long began = System.nanoTime();
            try {
                ActiveMQConnectionFactory factory = b.factory(user, password);
                c = factory.createConnection();
                Connection failing = c;
                c.setExceptionListener(e -> failed(failing, e.toString()));
                subscribe(c, Topic.CONTROL, "regentTo IS NULL OR regentTo = '" + self + "'");
                subscribe(c, Topic.STREAM, "(regentTo IS NULL AND regentFrom <> '" + self + "') OR regentTo = '" + self + "'");
                watchDepartures(c, b);
                c.start();
                boolean moved;
                synchronized (lock) {
                    if (closed) {
                        c.close();
                        return true;
                    }
                    moved = current != null && !current.equals(b);
                    connection = c;
                    current = b;
                    generation++;
                }
                if (moved) {
                    failovers.incrementAndGet();
                }
                long took = (System.nanoTime() - began) / 1_000_000;
                LOG.info(() -> "Regent " + self + ": connected to broker " + b.name() + " in " + took + " ms");
                inbound.link(true);
                return true;
            } catch (JMSException | RuntimeException e) {
                closeQuietly(c);
                long took = (System.nanoTime() - began) / 1_000_000;
                LOG.info(() -> "Regent " + self + ": broker " + b.name() + " refused in " + took + " ms: " + e.getMessage());
                link.sendFailed(System.currentTimeMillis(), "broker " + b.name() + ": " + e.getMessage());
                LOG.log(Level.FINE, "broker " + b.name() + " refused the connection", e);
            }
        }
        return false;
    }

    private void subscribe(Connection c, Topic topic, String selector) throws JMSException {
        // acknowledged by the broker as it delivers: no ack packet per message back to it, and a
        // frame lost with a crashed consumer is what the protocol tolerates anyway
        Session s = c.createSession(false, ActiveMQJMSConstants.PRE_ACKNOWLEDGE);
        MessageConsumer consumer = s.createConsumer(s.createTopic(topics.get(topic)), selector);
        consumer.setMessageListener(m -> deliver(topic, m));
    }

    /**
     * Artemis announces on its notifications address each consumer that closes. A server's
     * consumer of the control topic closes the moment its process dies (the kernel closes the
     * socket) or it leaves the broker: a backup counts that of its master as a missed inquiry
     * (DESIGN.md §2.1). Only consumers of this broker name their user (distance 0). A broker
     * that does not let this server watch leaves failures to the inquiries alone.
     */
    private void watchDepartures(Connection c, BrokerEndpoint b) {
        Session s = null;
        try {
            s = c.createSession(false, ActiveMQJMSConstants.PRE_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createTopic(NOTIFICATIONS),
                    "_AMQ_NotifType = 'CONSUMER_CLOSED' AND _AMQ_Distance = 0 AND _AMQ_Address = '"
                            + topics.get(Topic.CONTROL) + "'");
            consumer.setMessageListener(this::departure);
        } catch (JMSException e) {
            closeQuietly(s);
            LOG.info(() -> "Regent " + self + ": broker " + b.name() + " does not let it watch " + NOTIFICATIONS
                    + " (" + e.getMessage() + "); failures are found by inquiry alone");
        }
    }

    private void departure(Message m) {
        try {
            Object user = m.getObjectProperty("_AMQ_User");
            if (user != null) {
                inbound.departed(user.toString());
            }
        } catch (JMSException | RuntimeException e) {
            LOG.log(Level.FINE, "an unreadable notification", e);
        }
    }

    private void deliver(Topic topic, Message message) {
        try {
            if (!(message instanceof BytesMessage bytes)) {
                inbound.drop(topic, "not a Regent frame");
                return;
            }
            long length = bytes.getBodyLength();
            if (length > frameLimit) {
                inbound.drop(topic, "a frame of " + length + " bytes, over the limit of " + frameLimit);
                return;
            }
            byte[] frame = new byte[(int) length];
            bytes.readBytes(frame);
            inbound.receive(topic, frame);
        } catch (JMSException e) {
            inbound.drop(topic, "unreadable message: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Regent " + self + ": a " + topic + " frame failed", e);
        }
    }

    /** The connection failed: drop it and let the connector find a broker that works. */
    private void failed(Connection c, String why) {
        synchronized (lock) {
            if (c != connection) {
                return;
            }
            connection = null;
            lastFailed = current;
            lock.notifyAll();
        }
        inbound.link(false);
        link.sendFailed(System.currentTimeMillis(), why);
        LOG.warning(() -> "Regent " + self + ": lost broker " + current.name() + " (" + why + "); trying the others");
        closeQuietly(c);
    }

    @Override
    public void close() {
        Connection c;
        synchronized (lock) {
            closed = true;
            c = connection;
            connection = null;
            lock.notifyAll();
        }
        closeQuietly(c);
        try {
            connector.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Session s) {
        if (s != null) {
            try {
                s.close();
            } catch (JMSException | RuntimeException ignored) {
                // the connection goes on without it
            }
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (JMSException | RuntimeException ignored) {
                // it is broken already
            }
        }
    }

    // ---- sending ------------------------------------------------------------------------

    /** One thread's session and producer on the current connection, made again after a failover. */
    final class Sender implements TopicPublisher.Channel {
        private final Topic topic;
        private Connection on;
        private long made = -1;
        private Session session;
        private MessageProducer producer;

        private Sender(Topic topic) {
            this.topic = topic;
        }

        /**
         * Sends a sealed frame, addressed to {@code to} (null: every server).
         *
         * @throws JMSException if there is no broker now, or the send failed (the connection is then dropped)
         */
        @Override
        public void send(String to, byte[] frame) throws JMSException {
            Connection c;
            long gen;
            synchronized (lock) {
                c = connection;
                gen = generation;
            }
            if (c == null) {
                throw new JMSException("no broker reachable");
            }
            try {
                if (made != gen || on != c) {
                    session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    producer = session.createProducer(session.createTopic(topics.get(topic)));
                    producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
                    producer.setTimeToLive(TIME_TO_LIVE);
                    on = c;
                    made = gen;
                }
                BytesMessage m = session.createBytesMessage();
                m.writeBytes(frame);
                m.setStringProperty(TopicPublisher.FROM, self);
                if (to != null) {
                    m.setStringProperty(TopicPublisher.TO, to);
                }
                producer.send(m);
            } catch (JMSException | RuntimeException e) {
                made = -1;
                failed(c, e.toString());
                throw e instanceof JMSException j ? j : new JMSException(e.toString());
            }
        }
    }
}

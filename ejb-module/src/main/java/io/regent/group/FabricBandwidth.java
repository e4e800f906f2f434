package io.regent.group;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

import java.util.List;
import java.util.logging.Logger;

/**
 * Claim 21's figure: the throughput this server measures to the messaging fabric, and so to the
 * other servers, in bytes per second, measured once at start. It sends rounds of 256 KiB through
 * its broker to itself (on the control topic, addressed to a name no member has, so no other
 * server receives them) and waits for each round to come back: what a slow or distant link to
 * the fabric costs shows up as it would for the protocol's own traffic.
 */
final class FabricBandwidth {

    private static final Logger LOG = Logger.getLogger(FabricBandwidth.class.getName());
    private static final int MESSAGE_BYTES = 64 * 1024;
    private static final int PER_ROUND = 4;
    private static final int ROUNDS = 8;
    private static final long ROUND_TIMEOUT = 5_000;

    private FabricBandwidth() {
    }

    /** Bytes per second through the first broker that answers; 0 if none does. */
    static long measure(List<BrokerEndpoint> brokers, String user, String password, String self, String topic) {
        for (BrokerEndpoint b : brokers) {
            try (Connection c = b.factory(user, password).createConnection()) {
                return measure(c, self, topic);
            } catch (JMSException | RuntimeException e) {
                LOG.info(() -> "Regent " + self + ": bandwidth not measured through broker " + b.name() + ": "
                        + e.getMessage());
            }
        }
        return 0;
    }

    private static long measure(Connection c, String self, String topicName) throws JMSException {
        String to = "capacity:" + self;
        Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        jakarta.jms.Topic topic = session.createTopic(topicName);
        MessageConsumer consumer = session.createConsumer(topic, "regentTo = '" + to + "'");
        MessageProducer producer = session.createProducer(topic);
        producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        c.start();
        byte[] payload = new byte[MESSAGE_BYTES];
        round(session, producer, consumer, to, payload); // warm-up: connection, JIT, the broker's route
        long start = System.nanoTime();
        for (int r = 0; r < ROUNDS; r++) {
            round(session, producer, consumer, to, payload);
        }
        long nanos = Math.max(1, System.nanoTime() - start);
        return (long) ROUNDS * PER_ROUND * MESSAGE_BYTES * 1_000_000_000L / nanos;
    }

    private static void round(Session session, MessageProducer producer, MessageConsumer consumer, String to,
            byte[] payload) throws JMSException {
        for (int i = 0; i < PER_ROUND; i++) {
            BytesMessage m = session.createBytesMessage();
            m.setStringProperty("regentTo", to);
            m.writeBytes(payload);
            producer.send(m);
        }
        for (int i = 0; i < PER_ROUND; i++) {
            if (consumer.receive(ROUND_TIMEOUT) == null) {
                throw new JMSException("a round did not come back within " + ROUND_TIMEOUT + " ms");
            }
        }
    }
}

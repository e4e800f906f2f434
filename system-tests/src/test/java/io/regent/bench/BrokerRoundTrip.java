package io.regent.bench;

import io.regent.it.LocalGroup;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import org.apache.activemq.artemis.api.jms.ActiveMQJMSConstants;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One hop through the group's broker and back, as a server's frames take it (TLS, a
 * non-persistent topic message, a pre-acknowledged subscription), timed in µs by one client
 * that is both sender and subscriber: the broker's share of a replicated write, which crosses
 * it twice (the write to the backups, their acknowledgements back).
 */
final class BrokerRoundTrip {

    private BrokerRoundTrip() {
    }

    /** Median round trip in µs over {@code samples} 64-byte messages sent one at a time, after a warm-up. */
    static long medianMicros(LocalGroup group, int samples) throws JMSException {
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory("tcp://" + group.brokerAddress(1)
                + "?sslEnabled=true&verifyHost=true&trustStorePath=" + group.trustStore() + "&trustStorePassword="
                + LocalGroup.TLS_PASSWORD + "&keyStorePath=" + group.keyStore("s1") + "&keyStorePassword="
                + LocalGroup.TLS_PASSWORD);
        try (Connection c = factory.createConnection("regent", group.credential("BROKER_PASSWORD"))) {
            Session receiving = c.createSession(false, ActiveMQJMSConstants.PRE_ACKNOWLEDGE);
            Session sending = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic topic = sending.createTopic("regent.bench-round-trip");
            MessageConsumer consumer = receiving.createConsumer(topic);
            MessageProducer producer = sending.createProducer(topic);
            producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
            c.start();
            byte[] body = new byte[64];
            List<Long> micros = new ArrayList<>();
            for (int i = 0; i < samples + samples / 5; i++) {
                BytesMessage m = sending.createBytesMessage();
                m.writeBytes(body);
                long began = System.nanoTime();
                producer.send(m);
                if (consumer.receive(2_000) == null) {
                    throw new IllegalStateException("a message did not come back through the broker within 2 s");
                }
                if (i >= samples / 5) {
                    micros.add((System.nanoTime() - began) / 1_000);
                }
            }
            Collections.sort(micros);
            return micros.get(micros.size() / 2);
        }
    }
}

package io.regent.broker;

import org.apache.activemq.artemis.api.core.ActiveMQSecurityException;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A real embedded broker made from the template: who may log in, and what a Regent server may do. */
class BrokerTest {

    @TempDir
    Path dir;
    private Broker broker;
    private ServerLocator locator;
    private int port;

    @BeforeEach
    void start() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.writeString(dir.resolve(BrokerSettings.FILE), String.join("\n",
                "name=test-broker", "listen=127.0.0.1:" + port, "tls=false",
                "admin.user=regent", "admin.password=admin-secret",
                "cluster.user=regent-cluster", "cluster.password=cluster-secret",
                // s2's password as bin/group writes it: hashed (Broker --hash); s1's as given by hand
                "member.s1=member-secret-1",
                "member.s2=" + org.apache.activemq.artemis.utils.PasswordMaskingUtil.getHashProcessor().hash("member-secret-2")));
        broker = Broker.in(dir);
        broker.start();
        locator = ActiveMQClient.createServerLocator("tcp://127.0.0.1:" + port).setBlockOnNonDurableSend(true);
    }

    @AfterEach
    void stop() {
        locator.close();
        broker.stop();
    }

    @Test
    void aServerSendsAndSubscribesOnRegentsTopics() throws Exception {
        try (ClientSessionFactory f = locator.createSessionFactory();
             ClientSession session = f.createSession("s1", "member-secret-1", false, true, true, false, 0)) {
            session.createQueue(org.apache.activemq.artemis.api.core.QueueConfiguration.of("sub-s1")
                    .setAddress("regent.requests").setRoutingType(org.apache.activemq.artemis.api.core.RoutingType.MULTICAST)
                    .setDurable(false).setTemporary(true));
            ClientConsumer consumer = session.createConsumer("sub-s1");
            session.start();
            ClientMessage m = session.createMessage(false);
            m.getBodyBuffer().writeString("a frame");
            session.createProducer("regent.requests").send(m);
            ClientMessage received = consumer.receive(5_000);
            assertNotNull(received, "the frame came back through the topic");
            assertEquals("a frame", received.getBodyBuffer().readString());
        }
    }

    @Test
    void aServersAccountSendsNowhereElse() throws Exception {
        try (ClientSessionFactory f = locator.createSessionFactory();
             ClientSession session = f.createSession("s2", "member-secret-2", false, true, true, false, 0)) {
            assertThrows(ActiveMQSecurityException.class,
                    () -> session.createProducer("elsewhere").send(session.createMessage(false)));
        }
    }

    @Test
    void aWrongPasswordOrNoneIsRefused() throws Exception {
        try (ClientSessionFactory f = locator.createSessionFactory()) {
            assertThrows(ActiveMQSecurityException.class, () -> f.createSession("ACTIVEMQ.CLUSTER.ADMIN.USER",
                    "CHANGE ME!!", false, true, true, false, 0), "Artemis's default cluster account is not open");
            assertThrows(ActiveMQSecurityException.class,
                    () -> f.createSession("s1", "not-the-password", false, true, true, false, 0));
            assertThrows(ActiveMQSecurityException.class,
                    () -> f.createSession("s2", "not-the-password", false, true, true, false, 0), "a hashed account");
            assertThrows(ActiveMQSecurityException.class, () -> f.createSession(null, null, false, true, true, false, 0));
        }
    }

    @Test
    void theRenderedConfigurationIsReadableByItsOwnerOnly() throws Exception {
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("etc").resolve("broker.xml"))));
    }
}

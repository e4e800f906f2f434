package io.regent.group;

import io.regent.host.RegentSettings;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyConnectorFactory;
import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * One broker of the fabric as this server's client reaches it. The connection's settings are
 * typed parameters, never a URL: a URL carries the key and trust stores' passwords into whatever
 * logs or prints it. A failed connection is given up at once (this server moves to the next broker
 * rather than waiting for the dead one), no call waits long, and a broker that went silent
 * without closing the connection (its host cut off) is given up after a missed ping. Over TLS the
 * broker's key must chain to the group's CA and name the address dialled, and this server presents
 * its own key (brokers made by bin/group require one).
 */
final class BrokerEndpoint {

    private final String name;
    private final String host;
    private final int port;
    private final RegentSettings.Tls tls;

    /**
     * @param address {@code host:port}, as {@code regent.broker.urls} lists it
     * @param tls     the client's TLS settings, or null for plaintext
     */
    BrokerEndpoint(String address, RegentSettings.Tls tls) {
        int colon = address.lastIndexOf(':');
        this.name = address;
        this.host = address.substring(0, colon);
        this.port = Integer.parseInt(address.substring(colon + 1));
        this.tls = tls;
    }

    /** {@code host:port}, for operators. */
    String name() {
        return name;
    }

    /** A factory for connections to this broker as {@code user}. */
    ActiveMQConnectionFactory factory(String user, String password) {
        Map<String, Object> transport = new HashMap<>();
        transport.put(TransportConstants.HOST_PROP_NAME, host);
        transport.put(TransportConstants.PORT_PROP_NAME, port);
        transport.put(TransportConstants.NETTY_CONNECT_TIMEOUT, 1_000);
        if (tls != null) {
            transport.put(TransportConstants.SSL_ENABLED_PROP_NAME, true);
            transport.put(TransportConstants.VERIFY_HOST_PROP_NAME, true);
            transport.put(TransportConstants.TRUSTSTORE_PATH_PROP_NAME, tls.trustStore().toString());
            transport.put(TransportConstants.TRUSTSTORE_PASSWORD_PROP_NAME, tls.trustStorePassword());
            if (tls.keyStore() != null) {
                transport.put(TransportConstants.KEYSTORE_PATH_PROP_NAME, tls.keyStore().toString());
                transport.put(TransportConstants.KEYSTORE_PASSWORD_PROP_NAME, tls.keyStorePassword());
            }
        }
        ActiveMQConnectionFactory f = new ActiveMQConnectionFactory(false,
                new TransportConfiguration(NettyConnectorFactory.class.getName(), transport));
        f.setUser(user);
        f.setPassword(password);
        f.setReconnectAttempts(0);
        f.setInitialConnectAttempts(1);
        f.setCallTimeout(2_000);
        f.setCallFailoverTimeout(2_000);
        f.setConnectionTTL(1_500);
        f.setClientFailureCheckPeriod(500);
        f.setRetryInterval(100);
        return f;
    }
}

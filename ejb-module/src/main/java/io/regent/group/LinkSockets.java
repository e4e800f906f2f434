package io.regent.group;

import io.regent.host.RegentSettings;

import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

/**
 * The sockets of the direct links between members (DESIGN.md §4.4): mutual TLS with the group's
 * keys, so only a holder of a key the group's CA signed gets a link and nobody on the path reads
 * one (frames on it still count only if a member signed them), or plaintext where the operator
 * turned TLS off for the brokers too.
 */
final class LinkSockets {

    /** How long a TLS handshake may take before the connection is given up. */
    static final int HANDSHAKE_MILLIS = 2_000;

    private final SocketFactory client;
    private final ServerSocketFactory server;
    private final boolean tls;

    private LinkSockets(SocketFactory client, ServerSocketFactory server, boolean tls) {
        this.client = client;
        this.server = server;
        this.tls = tls;
    }

    static LinkSockets plaintext() {
        return new LinkSockets(SocketFactory.getDefault(), ServerSocketFactory.getDefault(), false);
    }

    static LinkSockets mutualTls(SSLContext context) {
        return new LinkSockets(context.getSocketFactory(), context.getServerSocketFactory(), true);
    }

    /**
     * The group's keys as the broker connection has them: this server's key store (its key, signed
     * by the group's CA) and the trust store that holds the CA.
     *
     * @throws RegentSettings.BadSettingException naming the setting whose store cannot be read
     */
    static LinkSockets of(RegentSettings.Tls keys) {
        if (keys == null) {
            return plaintext();
        }
        if (keys.keyStore() == null) {
            throw new RegentSettings.BadSettingException(RegentSettings.BROKER_KEYSTORE, "is required for the direct "
                    + "acknowledgement links (" + RegentSettings.ACK_ADDRESSES + "): each member proves itself with its key");
        }
        try {
            KeyManagerFactory own = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            own.init(load(keys.keyStore(), keys.keyStorePassword(), RegentSettings.BROKER_KEYSTORE),
                    chars(keys.keyStorePassword()));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(load(keys.trustStore(), keys.trustStorePassword(), RegentSettings.BROKER_TRUSTSTORE));
            SSLContext context = SSLContext.getInstance("TLSv1.3");
            context.init(own.getKeyManagers(), trust.getTrustManagers(), null);
            return mutualTls(context);
        } catch (GeneralSecurityException e) {
            throw new RegentSettings.BadSettingException(RegentSettings.BROKER_KEYSTORE,
                    "cannot make TLS for the direct links from " + keys.keyStore() + ": " + e.getMessage());
        }
    }

    private static KeyStore load(Path store, String password, String setting) {
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore k = KeyStore.getInstance("PKCS12");
            k.load(in, chars(password));
            return k;
        } catch (IOException | GeneralSecurityException e) {
            throw new RegentSettings.BadSettingException(setting, "cannot read " + store + ": " + e.getMessage());
        }
    }

    private static char[] chars(String password) {
        return password == null ? new char[0] : password.toCharArray();
    }

    boolean tls() {
        return tls;
    }

    /**
     * A connected link, its handshake done.
     *
     * @param from this server's own address: a multi-homed host's link must come from the
     *             address the other members know it by, which is the one they let in
     */
    Socket connect(InetSocketAddress to, java.net.InetAddress from, int timeoutMillis) throws IOException {
        Socket s = client.createSocket();
        try {
            s.setTcpNoDelay(true);
            // closing a link whose peer stopped reading must not wait to send TLS's close_notify
            s.setSoLinger(true, 0);
            if (from != null) {
                s.bind(new InetSocketAddress(from, 0));
            }
            s.connect(to, timeoutMillis);
            if (s instanceof SSLSocket ssl) {
                ssl.setSoTimeout(HANDSHAKE_MILLIS);
                ssl.startHandshake();
                ssl.setSoTimeout(0);
            }
            return s;
        } catch (IOException e) {
            Closing.quietly(s);
            throw e;
        }
    }

    /** A listener that, over TLS, takes only peers with a key the group's CA signed. */
    ServerSocket listen(InetSocketAddress address, int backlog) throws IOException {
        ServerSocket listener = server.createServerSocket();
        try {
            if (listener instanceof SSLServerSocket ssl) {
                ssl.setNeedClientAuth(true);
            }
            listener.setReuseAddress(true);
            listener.bind(address, backlog);
            return listener;
        } catch (IOException e) {
            listener.close();
            throw e;
        }
    }
}

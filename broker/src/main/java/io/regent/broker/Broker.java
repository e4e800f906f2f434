package io.regent.broker;

import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.utils.PasswordMaskingUtil;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CountDownLatch;

/**
 * One broker of a Regent group: {@code Broker DIR} reads {@code DIR/broker.properties}, writes the
 * rendered configuration to {@code DIR/etc/broker.xml} (readable by its owner only, from the first
 * byte: it holds the cluster's and the keys' passwords) and runs Apache Artemis embedded until the
 * process is told to stop.
 */
public final class Broker {

    /** The roles broker.xml grants: the operator's, and the Regent servers'. */
    static final String ADMIN_ROLE = "amq";
    static final String MEMBER_ROLE = "regent-member";

    private final EmbeddedActiveMQ artemis = new EmbeddedActiveMQ();
    private final BrokerSettings settings;

    /** The broker {@code dir/broker.properties} describes, not started yet. */
    static Broker in(Path dir) throws IOException {
        return new Broker(BrokerSettings.read(dir), dir);
    }

    private Broker(BrokerSettings settings, Path dir) throws IOException {
        this.settings = settings;
        Path config = writePrivate(dir.resolve("etc").resolve("broker.xml"),
                BrokerXml.render(settings, dir.resolve("data")));
        artemis.setConfigResourcePath(config.toUri().toString());
        artemis.setSecurityManager(new ActiveMQJAASSecurityManager(AccountLoginModule.class.getName(), accounts(settings)));
    }

    /** The accounts that may log in: the cluster's own account is checked by the broker before these. */
    static SecurityConfiguration accounts(BrokerSettings s) {
        SecurityConfiguration accounts = new SecurityConfiguration();
        accounts.addUser(s.admin().user(), s.admin().password());
        accounts.addRole(s.admin().user(), ADMIN_ROLE);
        for (BrokerSettings.Account member : s.members()) {
            accounts.addUser(member.user(), member.password());
            accounts.addRole(member.user(), MEMBER_ROLE);
        }
        return accounts;
    }

    void start() throws Exception {
        artemis.start();
    }

    void stop() {
        try {
            artemis.stop();
        } catch (Exception e) {
            System.err.println("the broker did not stop cleanly: " + e);
        }
    }

    private static Path writePrivate(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        return file;
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--hash")) {
            // the password comes on stdin, never as an argument that ps would show
            String password = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8))
                    .readLine();
            if (password == null || password.isEmpty()) {
                System.err.println("usage: Broker --hash < password");
                System.exit(2);
            }
            System.out.println(PasswordMaskingUtil.getHashProcessor().hash(password));
            return;
        }
        if (args.length != 1) {
            System.err.println("usage: Broker DIR   (DIR holds broker.properties; see bin/group), or Broker --hash < password");
            System.exit(2);
        }
        Broker broker;
        try {
            broker = in(Path.of(args[0]).toAbsolutePath());
        } catch (BrokerSettings.BadSetting | IOException e) {
            System.err.println("cannot start the broker: " + e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.stop();
            stopped.countDown();
        }, "broker-stop"));
        broker.start();
        System.out.println("broker " + broker.settings.name() + " accepting on " + broker.settings.listen() + " ("
                + (broker.settings.tls() == null ? "plaintext" : "mutual TLS") + "), cluster peers "
                + broker.settings.peers());
        stopped.await();
    }
}

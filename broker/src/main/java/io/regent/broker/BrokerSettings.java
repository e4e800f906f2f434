package io.regent.broker;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One broker's settings, read from its {@code broker.properties} (written private by bin/group):
 * where it listens, the other brokers of its cluster, its accounts and its keys. A key it does
 * not know, or a value it cannot use, stops the broker naming the key.
 *
 * @param name    the broker's name in its cluster
 * @param listen  the address it accepts on
 * @param peers   the other brokers of the cluster (none: a lone broker)
 * @param admin   the operator's account (every permission)
 * @param cluster the account the brokers of the cluster use with each other
 * @param members each Regent server's account: sends to and consumes from Regent's addresses only
 * @param tls     keys and trust, or null for plaintext
 */
public record BrokerSettings(String name, Address listen, List<Address> peers, Account admin, Account cluster,
        List<Account> members, Tls tls) {

    /** A host and port. */
    public record Address(String host, int port) {
        static Address parse(String key, String text) {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || !HOST.matcher(text.substring(0, colon)).matches()) {
                throw new BadSetting(key, "is not host:port: '" + text + "'");
            }
            try {
                int port = Integer.parseInt(text.substring(colon + 1));
                if (port < 1 || port > 65535) {
                    throw new NumberFormatException();
                }
                return new Address(text.substring(0, colon), port);
            } catch (NumberFormatException e) {
                throw new BadSetting(key, "has no port between 1 and 65535: '" + text + "'");
            }
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    /** A user and its password. */
    public record Account(String user, String password) {
        @Override
        public String toString() {
            return user; // never the password
        }
    }

    /**
     * The broker's key (for its acceptor and its links to peers) and the trust store of the
     * group's CA: every client and peer must present a key the CA signed.
     */
    public record Tls(Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword) {
        @Override
        public String toString() {
            return "key " + keyStore + ", trust " + trustStore;
        }
    }

    /** A setting that is missing or unusable: the message names the key. */
    public static final class BadSetting extends RuntimeException {
        BadSetting(String key, String problem) {
            super("broker setting " + key + " " + problem);
        }
    }

    static final String FILE = "broker.properties";
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]+|\\[[0-9A-Fa-f:]+\\]");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._\\-]{1,64}");
    /** Passwords go into broker.xml and URL parameters: no character that could end either. */
    private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9._\\-]{8,256}");
    /** A login password as Artemis's one-way hash ({@code Broker --hash}), or as it is. */
    private static final Pattern LOGIN = Pattern.compile("[A-Za-z0-9._\\-]{8,256}|ENC\\([0-9]{1,7}:[0-9A-F]{16,256}:[0-9A-F]{16,512}\\)");
    private static final String MEMBER = "member.";
    private static final Set<String> KEYS = Set.of("name", "listen", "peers", "admin.user", "admin.password",
            "cluster.user", "cluster.password", "tls", "tls.keystore", "tls.keystore-password", "tls.truststore",
            "tls.truststore-password");

    /** Reads {@code dir/broker.properties}. */
    public static BrokerSettings read(Path dir) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve(FILE))) {
            p.load(r);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String k : new TreeSet<>(p.stringPropertyNames())) {
            values.put(k, p.getProperty(k).trim());
        }
        return parse(values);
    }

    static BrokerSettings parse(Map<String, String> values) {
        for (String k : values.keySet()) {
            if (!KEYS.contains(k) && !k.startsWith(MEMBER)) {
                throw new BadSetting(k, "is not a broker setting (known: " + new TreeSet<>(KEYS) + ", member.<user>)");
            }
        }
        String name = matching(values, "name", NAME, "a name of letters, digits, '.', '_' or '-'");
        Address listen = Address.parse("listen", required(values, "listen"));
        List<Address> peers = new ArrayList<>();
        for (String peer : values.getOrDefault("peers", "").split(",")) {
            if (!peer.isBlank()) {
                peers.add(Address.parse("peers", peer.trim()));
            }
        }
        if (peers.contains(listen)) {
            throw new BadSetting("peers", "names this broker's own address " + listen);
        }
        Account admin = new Account(user(values, "admin"), login(values, "admin.password"));
        // the cluster's password stays as it is: the broker logs in to its peers with it
        Account cluster = new Account(user(values, "cluster"), secret(values, "cluster.password"));
        List<Account> members = new ArrayList<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (e.getKey().startsWith(MEMBER)) {
                String user = e.getKey().substring(MEMBER.length());
                if (!NAME.matcher(user).matches()) {
                    throw new BadSetting(e.getKey(), "does not name a user of letters, digits, '.', '_' or '-'");
                }
                members.add(new Account(user, login(values, e.getKey())));
            }
        }
        if (members.isEmpty()) {
            throw new BadSetting(MEMBER + "<user>", "is required: at least one Regent server's account");
        }
        Set<String> users = new TreeSet<>();
        for (Account a : accounts(admin, cluster, members)) {
            if (!users.add(a.user())) {
                throw new BadSetting(MEMBER + a.user(), "names a user twice");
            }
        }
        return new BrokerSettings(name, listen, List.copyOf(peers), admin, cluster, List.copyOf(members), tls(values));
    }

    private static List<Account> accounts(Account admin, Account cluster, List<Account> members) {
        List<Account> all = new ArrayList<>(members);
        all.add(admin);
        all.add(cluster);
        return all;
    }

    private static Tls tls(Map<String, String> values) {
        String on = values.getOrDefault("tls", "true");
        if (!on.equals("true") && !on.equals("false")) {
            throw new BadSetting("tls", "is true or false, not '" + on + "'");
        }
        if (on.equals("false")) {
            return null;
        }
        return new Tls(store(values, "tls.keystore"), secret(values, "tls.keystore-password"),
                store(values, "tls.truststore"), secret(values, "tls.truststore-password"));
    }

    private static Path store(Map<String, String> values, String key) {
        Path path = Path.of(required(values, key));
        if (!Files.isReadable(path)) {
            throw new BadSetting(key, "names no readable file: " + path);
        }
        if (path.toString().matches(".*[;&?=\\s<>\"'].*")) {
            throw new BadSetting(key, "may not contain ; & ? = < > quotes or spaces: " + path);
        }
        return path;
    }

    private static String user(Map<String, String> values, String prefix) {
        return matching(values, prefix + ".user", NAME, "a user of letters, digits, '.', '_' or '-'");
    }

    private static String login(Map<String, String> values, String key) {
        return matching(values, key, LOGIN, "8 to 256 letters, digits, '.', '_' or '-', or a hash Broker --hash printed");
    }

    private static String secret(Map<String, String> values, String key) {
        return matching(values, key, SECRET, "8 to 256 letters, digits, '.', '_' or '-'");
    }

    private static String matching(Map<String, String> values, String key, Pattern pattern, String what) {
        String value = required(values, key);
        if (!pattern.matcher(value).matches()) {
            throw new BadSetting(key, "must be " + what);
        }
        return value;
    }

    private static String required(Map<String, String> values, String key) {
        String value = values.get(key);
        if (value == null || value.isEmpty()) {
            throw new BadSetting(key, "is required");
        }
        return value;
    }
}

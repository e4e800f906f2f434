package io.regent.host;

import io.regent.protocol.Index;
import io.regent.protocol.ProtocolConfig;
import io.regent.replication.AckMode;
import io.regent.replication.ReplicationConfig;
import io.regent.storage.DiskStorage;
import org.eclipse.microprofile.config.Config;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * This server's configuration, read from MicroProfile Config (server.xml variables, system
 * properties and environment variables such as {@code REGENT_SERVER_ID}) and checked once at
 * start. A bad or missing value fails start-up with a {@link BadSettingException} naming its key,
 * and so do limits that together could not fit the heap.
 */
public record RegentSettings(String group, String serverId, IndexBasis indexBasis, String url,
        ProtocolConfig protocol, String controlTopic, String requestsTopic, Map<String, byte[]> pairKeys,
        ReplicationConfig replication, Limits limits, Storage storage, Fabric fabric, RolePort rolePort,
        Readiness readiness, WarmUp warmUp) {

    public static final String GROUP = "regent.group";
    public static final String SERVER_ID = "regent.server.id";
    public static final String SERVER_INDEX = "regent.server.index";
    public static final String INDEX_BASIS = "regent.index.basis";
    public static final String SERVER_URL = "regent.server.url";
    public static final String MEMBERS = "regent.members";
    public static final String MEMBER_URLS = "regent.member.urls";
    public static final String DETECTION_INTERVAL = "regent.detection.interval";
    public static final String REPLY_TIMEOUT = "regent.reply.timeout";
    public static final String MISSES = "regent.detection.misses";
    public static final String ELECTION_BASE = "regent.election.base";
    public static final String HOP_MIN = "regent.hop.min";
    public static final String PROBE_INTERVAL = "regent.probe.interval";
    public static final String DISCOVERY_WINDOW = "regent.discovery.window";
    public static final String PREEMPT = "regent.preempt";
    public static final String PREEMPT_DELAY = "regent.preempt.delay";
    public static final String DELAY_HISTORY = "regent.delay.history";
    public static final String QUORUM_WINDOW = "regent.quorum.window";
    public static final String CONTROL_TOPIC = "regent.topic.control";
    public static final String REQUESTS_TOPIC = "regent.topic.requests";
    public static final String SIGNING_KEY = "regent.signing.key";
    public static final String SIGNING_KEYS = "regent.signing.keys";
    public static final String ACK = "regent.replication.ack";
    public static final String REPLICATION_TIMEOUT = "regent.replication.timeout";
    public static final String RETENTION = "regent.replication.retention";
    public static final String RETENTION_BYTES = "regent.replication.retention-bytes";
    public static final String MAX_PENDING_BYTES = "regent.replication.max-pending-bytes";
    public static final String FRAMES_IN_FLIGHT = "regent.replication.frames-in-flight";
    public static final String MESSAGE_MAX_BYTES = "regent.message.max-bytes";
    public static final String QUEUE_MAX_BYTES = "regent.queue.max-bytes";
    public static final String MAX_VALUE_BYTES = "regent.kv.max-value-bytes";
    public static final String KV_MAX_BYTES = "regent.kv.max-bytes";
    public static final String KV_MAX_KEYS = "regent.kv.max-keys";
    public static final String TXN_MAX_OPERATIONS = "regent.kv.txn.max-operations";
    public static final String STORAGE_DIR = "regent.storage.dir";
    public static final String STORAGE_SYNC = "regent.storage.sync";
    public static final String ROLE_PORT = "regent.role.port";
    public static final String ROLE_SOURCES = "regent.role.sources";
    public static final String WATCH_MAX_BEHIND = "regent.watch.max-behind";
    public static final String HEALTH_READINESS = "regent.health.readiness";
    public static final String HTTP_HOST = "regent.http.host";
    public static final String BROKER_URLS = "regent.broker.urls";
    public static final String ACK_ADDRESSES = "regent.replication.ack-addresses";
    public static final String BROKER_USER = "regent.broker.user";
    public static final String BROKER_PASSWORD = "regent.broker.password";
    public static final String BROKER_TLS = "regent.broker.tls";
    public static final String BROKER_TRUSTSTORE = "regent.broker.truststore";
    public static final String BROKER_TRUSTSTORE_PASSWORD = "regent.broker.truststore-password";
    public static final String BROKER_KEYSTORE = "regent.broker.keystore";
    public static final String BROKER_KEYSTORE_PASSWORD = "regent.broker.keystore-password";
    public static final String WARMUP_USER = "regent.warmup.user";
    public static final String WARMUP_PASSWORD = "regent.warmup.password";
    public static final String WARMUP_REQUESTS = "regent.warmup.requests";
    public static final String TLS_KEYSTORE = "regent.tls.keystore";
    public static final String TLS_PASSWORD = "regent.tls.password";

    /**
     * The brokers, in the order every server tries them (so that all meet on the first that
     * works), and this server's account on them.
     *
     * @param brokers each broker's {@code host:port}
     * @param tls     how to verify the brokers over TLS, or null for plaintext (only when asked)
     * @param ackAddresses where each member takes acknowledgements straight from its followers
     *                (DESIGN.md §4.4), every member's; empty: they travel through the broker
     */
    public record Fabric(List<String> brokers, String user, String password, Tls tls,
            Map<String, InetSocketAddress> ackAddresses) { }

    /** The trust store that holds the CA the brokers' keys are signed by (PKCS12). */
    /**
     * TLS to the brokers: the trust store that verifies them and, if configured, the key this
     * server presents to brokers that require one (mutual TLS).
     */
    public record Tls(Path trustStore, String trustStorePassword, Path keyStore, String keyStorePassword) { }

    private static final long MIB = 1024 * 1024;
    /** What Liberty and the application need of the heap before Regent's queues and buffers. */
    private static final long HEAP_BASELINE = 96 * MIB;

    /** Thrown when a setting is missing or bad; its message starts with the key. */
    public static final class BadSettingException extends IllegalStateException {
        public BadSettingException(String key, String problem) {
            super(key + ": " + problem);
        }
    }

    /**
     * What bounds memory: every queue and buffer is bounded in bytes (DESIGN.md §3, bounded memory).
     *
     * @param maxValueBytes largest value a client may write
     * @param storeBytes    the store's quota of keys and values
     * @param storeKeys     the store's quota of keys
     * @param queueBytes    each topic's send queue
     * @param messageBytes  most bytes of writes or snapshot pairs in one message; larger frames are refused unread
     * @param watchBehind   most positions a watch may start behind what the master applied: one
     *                      further back would have the server read that much of its log for one client
     * @param txnOperations most compares, and most writes in each branch, of one transaction
     */
    public record Limits(int maxValueBytes, long storeBytes, long storeKeys, long queueBytes, long messageBytes,
            long watchBehind, int txnOperations) {

        /** The largest frame a server sends or accepts: a full message and its envelope. */
        public long frameBytes() {
            return messageBytes + 64 * 1024;
        }

        /** The largest transaction, in its text form: one must travel in one message, with room for its envelope. */
        public long txnBytes() {
            return messageBytes - 2 * 1024;
        }
    }

    /**
     * What a measured index ({@code regent.server.index=auto}) follows: the computing power
     * available to the JVM (claim 20) or the bandwidth to the fabric (claim 21).
     */
    public enum IndexBasis { CPU, BANDWIDTH }

    /**
     * What {@code /health/ready} means: the master open for writes (load balancers route writes
     * by it), or any member caught up (Kubernetes: a rollout waits for each server to catch up,
     * and only the master is never NotReady-flooded). {@code /role/master} is the master either way.
     */
    public enum Readiness { MASTER, MEMBER }

    /**
     * Where load balancers ask for this server's role ({@code /role/master}); port 0: nowhere.
     *
     * @param sources the only addresses a check may come from (the load balancers'); empty: any
     */
    public record RolePort(String host, int port, Set<java.net.InetAddress> sources) { }

    /**
     * Reads this server sends itself as it starts, so that a backup's request path is compiled
     * before it becomes master (README, Operations): as {@code user}, a reader, over its own URL;
     * over HTTPS it trusts only the certificate of its own key store.
     *
     * @param keyStore this server's PKCS12 key store (HTTPS), or null for an http:// URL
     */
    public record WarmUp(String user, String password, int requests, Path keyStore, String keyStorePassword) { }

    /** Where and how durably the server keeps its state. */
    public record Storage(Path dir, boolean fsync, DiskStorage.Retention retention) { }

    public static RegentSettings from(Config config) {
        return from(config, Runtime.getRuntime().maxMemory());
    }

    /** @param maxHeap the heap the settings must fit in, bytes */
    static RegentSettings from(Config config, long maxHeap) {
        Reader r = new Reader(config);
        String id = r.text(SERVER_ID, null);
        Map<String, Integer> members = parseMembers(r.text(MEMBERS, null));
        IndexBasis basis = indexBasis(r);
        int index = basis == null ? (int) r.number(SERVER_INDEX, null, 1, Index.MAX_SLOT)
                : members.getOrDefault(id, 0);
        if (!Integer.valueOf(index).equals(members.get(id))) {
            throw new BadSettingException(MEMBERS, "must list " + id + (basis == null ? ":" + index : ":<number>")
                    + " (this server's id and " + (basis == null ? "index)" : "member number)"));
        }
        String url = r.text(SERVER_URL, "http://localhost:9080");
        if (!url.matches("https?://[^/@\\s]+(/\\S*)?")) {
            throw new BadSettingException(SERVER_URL, "must be an http:// or https:// URL of this server, not '" + url + "'");
        }
        ProtocolConfig protocol = protocol(r, id, url, members);
        Map<String, byte[]> pairKeys = pairKeys(r, id, members.keySet());
        Limits limits = limits(r);
        ReplicationConfig replication = replication(r, id, limits);
        checkHeap(limits, replication, maxHeap);
        return new RegentSettings(r.text(GROUP, "regent"), id, basis, url, protocol,
                r.text(CONTROL_TOPIC, "regent.control"), r.text(REQUESTS_TOPIC, "regent.requests"),
                pairKeys, replication, limits, storage(r), fabric(r, members.keySet()),
                new RolePort(r.text(HTTP_HOST, "127.0.0.1"), (int) r.number(ROLE_PORT, 0L, 0, 65_535), roleSources(r)),
                readiness(r),
                warmUp(r, url));
    }

    /** The same settings with the index measured from {@code figure} (see {@link IndexBasis}). */
    public RegentSettings measured(long figure) {
        return new RegentSettings(group, serverId, indexBasis, url, protocol.measured(figure), controlTopic,
                requestsTopic, pairKeys, replication, limits, storage, fabric, rolePort, readiness, warmUp);
    }

    /** IP addresses only: a name would be resolved once, at start, and could change under the server. */
    private static Set<java.net.InetAddress> roleSources(Reader r) {
        String text = r.text(ROLE_SOURCES, "");
        Set<java.net.InetAddress> sources = new java.util.LinkedHashSet<>();
        for (String entry : text.isBlank() ? new String[0] : text.split(",")) {
            String address = entry.trim();
            if (!address.matches("([0-9]{1,3}\\.){3}[0-9]{1,3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
                throw new BadSettingException(ROLE_SOURCES, "must list IP addresses, a,b,...; got '" + address + "'");
            }
            try {
                sources.add(java.net.InetAddress.getByName(address));
            } catch (java.net.UnknownHostException e) {
                throw new BadSettingException(ROLE_SOURCES, "'" + address + "' is no IP address");
            }
        }
        return Set.copyOf(sources);
    }

    private static Readiness readiness(Reader r) {
        return switch (r.text(HEALTH_READINESS, "master").toLowerCase(Locale.ROOT)) {
            case "master" -> Readiness.MASTER;
            case "member" -> Readiness.MEMBER;
            default -> throw new BadSettingException(HEALTH_READINESS, "must be master or member, got '"
                    + r.text(HEALTH_READINESS, "") + "'");
        };
    }

    /** null unless a warm-up user is configured. */
    private static WarmUp warmUp(Reader r, String url) {
        String user = r.text(WARMUP_USER, "");
        if (user.isEmpty()) {
            return null;
        }
        String password = r.text(WARMUP_PASSWORD, null);
        int requests = (int) r.number(WARMUP_REQUESTS, 2_000L, 1, 100_000);
        if (!url.startsWith("https:")) {
            return new WarmUp(user, password, requests, null, null);
        }
        Path store = readableStore(r, TLS_KEYSTORE, "key store for the warm-up over HTTPS (" + WARMUP_USER + ")");
        return new WarmUp(user, password, requests, store, r.text(TLS_PASSWORD, null));
    }

    /** null: the index is the number configured; otherwise what the measured index follows. */
    private static IndexBasis indexBasis(Reader r) {
        if (!r.text(SERVER_INDEX, null).equalsIgnoreCase("auto")) {
            return null;
        }
        return switch (r.text(INDEX_BASIS, "cpu").toLowerCase(Locale.ROOT)) {
            case "cpu" -> IndexBasis.CPU;
            case "bandwidth" -> IndexBasis.BANDWIDTH;
            default -> throw new BadSettingException(INDEX_BASIS, "must be cpu or bandwidth, got '"
                    + r.text(INDEX_BASIS, "") + "'");
        };
    }

    /**
     * The keys this server shares with each member: {@code regent.signing.keys} lists them
     * ({@code s1:key,s2:key,...}, its own id included), or they are derived from the group key
     * {@code regent.signing.key}.
     */
    private static Map<String, byte[]> pairKeys(Reader r, String self, Set<String> members) {
        String listed = r.text(SIGNING_KEYS, "");
        if (listed.isEmpty()) {
            String key = r.text(SIGNING_KEY, "");
            if (key.isEmpty()) {
                throw new BadSettingException(SIGNING_KEYS, "is required: this server's key with each member "
                        + "(or a group key in " + SIGNING_KEY + ")");
            }
            if (key.length() < 16) {
                throw new BadSettingException(SIGNING_KEY, "must be at least 16 characters");
            }
            return io.regent.wire.PairKeys.derive(key.getBytes(StandardCharsets.UTF_8), self, members);
        }
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (String entry : listed.split(",")) {
            int colon = entry.indexOf(':');
            String member = colon < 0 ? "" : entry.substring(0, colon).trim();
            String key = colon < 0 ? "" : entry.substring(colon + 1).trim();
            if (!members.contains(member) || key.length() < 16 || keys.put(member, key.getBytes(StandardCharsets.UTF_8)) != null) {
                throw new BadSettingException(SIGNING_KEYS, "expected member:key,... with each member once and keys of "
                        + "at least 16 characters; the entry for '" + member + "' is not");
            }
        }
        if (!keys.keySet().equals(members)) {
            throw new BadSettingException(SIGNING_KEYS, "must name every member of " + MEMBERS + ", this server too");
        }
        return Map.copyOf(keys);
    }

    private static ProtocolConfig protocol(Reader r, String id, String url, Map<String, Integer> members) {
        // the protocol's defaults live in one place, the core
        ProtocolConfig d = ProtocolConfig.defaults(id, members);
        long probe = r.number(PROBE_INTERVAL, d.probeInterval(), 10, 600_000);
        long detection = r.number(DETECTION_INTERVAL, d.detectionInterval(), 5, 60_000);
        long quorum = r.number(QUORUM_WINDOW, Math.max(d.quorumWindow(), probe + detection), 1, 3_600_000);
        if (quorum < probe + detection) {
            throw new BadSettingException(QUORUM_WINDOW, "must be at least " + PROBE_INTERVAL + " + " + DETECTION_INTERVAL
                    + " (" + (probe + detection) + " ms), got " + quorum);
        }
        return new ProtocolConfig(id, url, members, detection,
                r.number(REPLY_TIMEOUT, d.replyTimeout(), 1, 60_000),
                (int) r.number(MISSES, (long) d.misses(), 1, 100),
                r.number(ELECTION_BASE, d.electionBase(), 0, 60_000),
                r.number(HOP_MIN, d.minHop(), 1, 10_000),
                probe,
                r.number(DISCOVERY_WINDOW, d.discoveryWindow(), 0, 600_000),
                r.flag(PREEMPT, d.preempt()),
                r.number(PREEMPT_DELAY, d.preemptDelay(), 0, 3_600_000),
                (int) r.number(DELAY_HISTORY, (long) d.delayHistory(), 1, 1_000),
                quorum).withMemberUrls(memberUrls(r, id, url, members));
    }

    /**
     * The members' addresses, {@code s1=https://host:port,...}: with them, no address a member
     * announces is used (clients are sent to the master's with their credentials). Optional.
     */
    private static Map<String, String> memberUrls(Reader r, String id, String url, Map<String, Integer> members) {
        String text = r.text(MEMBER_URLS, "");
        if (text.isEmpty()) {
            return Map.of();
        }
        Map<String, String> urls = new LinkedHashMap<>();
        for (String entry : text.split(",")) {
            int eq = entry.indexOf('=');
            String member = eq < 0 ? "" : entry.substring(0, eq).trim();
            String address = eq < 0 ? "" : entry.substring(eq + 1).trim();
            if (!members.containsKey(member) || urls.put(member, address) != null) {
                throw new BadSettingException(MEMBER_URLS, "expected member=url,... naming each member of " + MEMBERS
                        + " once, got '" + entry.trim() + "'");
            }
            if (!address.matches("https?://[^/?#@\\s]+")) {
                throw new BadSettingException(MEMBER_URLS, "gives " + member + " '" + address
                        + "', not an http(s) URL of a host and port (with no path, not even /)");
            }
        }
        if (!urls.keySet().equals(members.keySet())) {
            throw new BadSettingException(MEMBER_URLS, "must give every member of " + MEMBERS + " an address");
        }
        if (!urls.get(id).equals(url)) {
            throw new BadSettingException(MEMBER_URLS, "gives this server " + urls.get(id) + ", but "
                    + SERVER_URL + " is " + url);
        }
        return urls;
    }

    private static Limits limits(Reader r) {
        int maxValue = (int) r.number(MAX_VALUE_BYTES, 64L * 1024, 1, 16 * MIB);
        long message = r.number(MESSAGE_MAX_BYTES, MIB, 64 * 1024, 64 * MIB);
        if (message < maxValue + 2L * 1024) {
            throw new BadSettingException(MESSAGE_MAX_BYTES, "must hold the largest value (" + MAX_VALUE_BYTES + " = "
                    + maxValue + ") and its key: at least " + (maxValue + 2L * 1024) + ", got " + message);
        }
        return new Limits(maxValue,
                r.number(KV_MAX_BYTES, 8L * 1024 * MIB, 1024, Long.MAX_VALUE),
                r.number(KV_MAX_KEYS, 100_000_000L, 1, Long.MAX_VALUE),
                r.number(QUEUE_MAX_BYTES, 16 * MIB, MIB, 4096 * MIB),
                message,
                r.number(WATCH_MAX_BEHIND, 100_000L, 1, Long.MAX_VALUE),
                (int) r.number(TXN_MAX_OPERATIONS, 128L, 1, 10_000));
    }

    private static ReplicationConfig replication(Reader r, String id, Limits limits) {
        ReplicationConfig d = ReplicationConfig.defaults(id);
        long timeout = r.number(REPLICATION_TIMEOUT, d.ackTimeout(), 10, 600_000);
        AckMode mode = switch (r.text(ACK, "majority").toLowerCase(Locale.ROOT)) {
            case "majority" -> AckMode.MAJORITY;
            case "all-live" -> AckMode.ALL_LIVE;
            default -> throw new BadSettingException(ACK, "must be majority or all-live, got '" + r.text(ACK, "") + "'");
        };
        long pending = r.number(MAX_PENDING_BYTES, d.maxPendingBytes(), 64 * 1024, 4096 * MIB);
        int frames = (int) r.number(FRAMES_IN_FLIGHT, (long) d.framesInFlight(), 1, 1_024);
        return new ReplicationConfig(id, mode, timeout, Math.min(timeout, d.fetchTimeout()),
                limits.messageBytes(), pending, frames);
    }

    private static Storage storage(Reader r) {
        String sync = r.text(STORAGE_SYNC, "fsync").toLowerCase(Locale.ROOT);
        if (!sync.equals("fsync") && !sync.equals("none")) {
            throw new BadSettingException(STORAGE_SYNC, "must be fsync or none, got '" + sync + "'");
        }
        Path dir;
        try {
            dir = Path.of(r.text(STORAGE_DIR, Path.of(System.getProperty("user.dir"), "regent-data").toString()));
        } catch (java.nio.file.InvalidPathException e) {
            throw new BadSettingException(STORAGE_DIR, "not a path: " + e.getMessage());
        }
        // minutes of writes at full rate: a server back from a restart fetches what it missed
        // rather than a snapshot of the whole state (issue 32)
        DiskStorage.Retention retention = new DiskStorage.Retention(
                (int) r.number(RETENTION, 1_000_000L, 10, 100_000_000),
                r.number(RETENTION_BYTES, 512 * MIB, MIB, 1024L * 1024 * MIB));
        return new Storage(dir, sync.equals("fsync"), retention);
    }

    private static Fabric fabric(Reader r, Set<String> members) {
        List<String> brokers = new ArrayList<>();
        for (String b : r.text(BROKER_URLS, "127.0.0.1:61616").split(",")) {
            String broker = b.trim();
            if (!hostPort(broker) || brokers.contains(broker)) {
                throw new BadSettingException(BROKER_URLS, "expected host:port,host:port,... (each once), got '" + broker + "'");
            }
            brokers.add(broker);
        }
        return new Fabric(List.copyOf(brokers), r.text(BROKER_USER, "regent"), r.text(BROKER_PASSWORD, null), tls(r),
                ackAddresses(r, members));
    }

    /** {@code s1:host:port,s2:host:port,...}, every member once, or nothing. */
    private static Map<String, InetSocketAddress> ackAddresses(Reader r, Set<String> members) {
        String text = r.text(ACK_ADDRESSES, "");
        Map<String, InetSocketAddress> addresses = new LinkedHashMap<>();
        if (text.isEmpty()) {
            return addresses;
        }
        for (String entry : text.split(",")) {
            String e = entry.trim();
            int colon = e.indexOf(':');
            String member = colon < 0 ? "" : e.substring(0, colon);
            String address = e.substring(colon + 1);
            if (!members.contains(member) || !hostPort(address) || addresses.containsKey(member)) {
                throw new BadSettingException(ACK_ADDRESSES, "expected id:host:port for each member of "
                        + MEMBERS + " once, got '" + e + "'");
            }
            int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
            if (port < 1 || port > 65_535) {
                throw new BadSettingException(ACK_ADDRESSES, "port out of range in '" + e + "'");
            }
            addresses.put(member, new InetSocketAddress(address.substring(0, address.lastIndexOf(':')), port));
        }
        if (!addresses.keySet().equals(members)) {
            throw new BadSettingException(ACK_ADDRESSES, "must give every member of " + MEMBERS + " an address, "
                    + "got " + addresses.keySet());
        }
        return Map.copyOf(addresses);
    }

    /** {@code host:port}, nothing that would change the meaning of a URL built from it. */
    private static boolean hostPort(String text) {
        int colon = text.lastIndexOf(':');
        return colon > 0 && colon < text.length() - 1 && text.length() - colon - 1 <= 5
                && text.substring(colon + 1).chars().allMatch(Character::isDigit)
                && text.chars().noneMatch(c -> c == '/' || c == '?' || c == '&' || c == ',' || Character.isWhitespace(c));
    }

    /** TLS to the brokers unless the operator turns it off explicitly. */
    private static Tls tls(Reader r) {
        if (!r.flag(BROKER_TLS, true)) {
            return null;
        }
        if (r.text(BROKER_TRUSTSTORE, "").isEmpty()) {
            throw new BadSettingException(BROKER_TRUSTSTORE, "is required to verify the brokers over TLS (or set "
                    + BROKER_TLS + "=false to talk to them in plaintext)");
        }
        Path path = readableStore(r, BROKER_TRUSTSTORE, "trust store");
        String password = r.text(BROKER_TRUSTSTORE_PASSWORD, null);
        if (r.text(BROKER_KEYSTORE, "").isEmpty()) {
            return new Tls(path, password, null, null);
        }
        return new Tls(path, password, readableStore(r, BROKER_KEYSTORE, "key store"),
                r.text(BROKER_KEYSTORE_PASSWORD, null));
    }

    /** A PKCS12 store the server must read, named by {@code key}. */
    private static Path readableStore(Reader r, String key, String what) {
        String store = r.text(key, null);
        Path path = Path.of(store);
        if (!java.nio.file.Files.isReadable(path)) {
            throw new BadSettingException(key, "no readable " + what + " at '" + store + "'");
        }
        return path;
    }

    /**
     * Whatever valid requests arrive, what the server holds on its heap is bounded by these limits:
     * both send queues, the writes waiting for acknowledgements, and a few messages being read or
     * built. They must fit beside what Liberty needs, or the server refuses to start.
     */
    private static void checkHeap(Limits limits, ReplicationConfig replication, long maxHeap) {
        long needed = HEAP_BASELINE + 2 * limits.queueBytes() + replication.maxPendingBytes() + 4 * limits.frameBytes();
        if (needed > maxHeap) {
            throw new BadSettingException(QUEUE_MAX_BYTES + ", " + MAX_PENDING_BYTES + ", " + MESSAGE_MAX_BYTES,
                    "together need about " + needed / MIB + " MiB of heap (" + HEAP_BASELINE / MIB
                            + " MiB for the server, 2 send queues, the writes waiting, 4 messages), but the heap is "
                            + maxHeap / MIB + " MiB (-Xmx): lower them or give the JVM more heap");
        }
    }

    /** {@code s1:1,s2:2,s3:3}: every member's id and member number (its index, unless measured). */
    static Map<String, Integer> parseMembers(String text) {
        Map<String, Integer> members = new LinkedHashMap<>();
        for (String entry : text.split(",")) {
            String[] parts = entry.trim().split(":");
            try {
                if (parts.length != 2 || parts[0].isBlank() || members.put(parts[0].trim(), Integer.parseInt(parts[1].trim())) != null) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new BadSettingException(MEMBERS, "expected id:index,id:index,... with unique ids, got '" + text + "'");
            }
        }
        try {
            ProtocolConfig.defaults(members.keySet().iterator().next(), members);
        } catch (IllegalArgumentException e) {
            // the core names its own field ("members: ..."); the operator needs the key
            String problem = e.getMessage();
            throw new BadSettingException(MEMBERS, problem.substring(problem.indexOf(": ") + 2));
        }
        return members;
    }

    /** Typed reads that name the key on every failure. */
    private record Reader(Config config) {

        String text(String key, String fallback) {
            Optional<String> value = config.getOptionalValue(key, String.class).map(String::trim).filter(v -> !v.isEmpty());
            if (value.isEmpty() && fallback == null) {
                throw new BadSettingException(key, "is required");
            }
            return value.orElse(fallback);
        }

        long number(String key, Long fallback, long min, long max) {
            String raw = text(key, fallback == null ? null : fallback.toString());
            long value;
            try {
                value = Long.parseLong(raw);
            } catch (NumberFormatException e) {
                throw new BadSettingException(key, "must be a whole number, got '" + raw + "'");
            }
            if (value < min || value > max) {
                throw new BadSettingException(key, "must be between " + min + " and " + max + ", got " + value);
            }
            return value;
        }

        boolean flag(String key, boolean fallback) {
            String raw = text(key, Boolean.toString(fallback));
            if (!raw.equalsIgnoreCase("true") && !raw.equalsIgnoreCase("false")) {
                throw new BadSettingException(key, "must be true or false, got '" + raw + "'");
            }
            return Boolean.parseBoolean(raw);
        }
    }
}

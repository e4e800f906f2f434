package io.regent.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The test group: a broker and three servers made, started, killed, paused and stopped by
 * server-config/bin/group (README command 1) with the ports and credentials of the tests.
 * Every process it starts is stopped by PID in {@link #close()}, which the JUnit extension
 * calls at the end of the run, failed or not.
 */
public final class LocalGroup implements AutoCloseable {

    public static final int SIZE = 3;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .sslContext(trustingSelfSigned()).build();

    private final Path script = Path.of(System.getProperty("regent.root", ".."), "server-config", "bin", "group");
    private final Path dir;
    private final int httpBase;
    private final int brokerPort;
    private final int size;
    private final Thread stopOnExit = new Thread(this::down, "local-group-stop");
    private final Map<String, String> extraEnv;
    /** Each server's address; empty: all on 127.0.0.1. */
    private final List<String> hosts;
    private boolean serversUp;
    private boolean example;

    /** The system tests' group: its own directory, HTTP ports 9180-9183, brokers on 61716-61718. */
    public static LocalGroup forTests() {
        return new LocalGroup(Path.of(System.getProperty("regent.it.dir", "target/it-group")), 9180, 61716, Map.of());
    }

    /**
     * @param extraEnv further settings for every server, e.g. REGENT_DETECTION_INTERVAL
     */
    public LocalGroup(Path dir, int httpBase, int brokerPort, Map<String, String> extraEnv) {
        this(dir, httpBase, brokerPort, SIZE, extraEnv);
    }

    /** @param size servers in the group (HAProxy always names three) */
    public LocalGroup(Path dir, int httpBase, int brokerPort, int size, Map<String, String> extraEnv) {
        this(dir, httpBase, brokerPort, size, extraEnv, List.of());
    }

    private LocalGroup(Path dir, int httpBase, int brokerPort, int size, Map<String, String> extraEnv,
            List<String> hosts) {
        this.size = size;
        this.dir = dir;
        this.httpBase = httpBase;
        this.brokerPort = brokerPort;
        this.extraEnv = extraEnv;
        this.hosts = hosts;
        // a test JVM ended from outside (Ctrl-C, a build's time-out) runs no JUnit teardown
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /** A group of three on the hosts of {@code lab}: server K and broker K on host K. */
    public static LocalGroup onHosts(Path dir, int httpBase, int brokerPort, io.regent.net.NetworkLab lab) {
        List<String> addresses = new java.util.ArrayList<>();
        for (int k = 1; k <= SIZE; k++) {
            addresses.add(io.regent.net.NetworkLab.address(k));
        }
        // HAProxy and the tests' checks reach the hosts from the bridge's address
        return new LocalGroup(dir, httpBase, brokerPort, SIZE, Map.of("REGENT_HOSTS", lab.hostList(),
                "REGENT_ROLE_SOURCES", io.regent.net.NetworkLab.bridgeAddress()), addresses);
    }

    // ---- processes ----------------------------------------------------------------------

    /** Creates (once) and starts the cluster of brokers. */
    public void brokers() {
        run("brokers");
    }

    public void brokerKill(int b) {
        run("broker-kill", String.valueOf(b));
    }

    public void brokerStart(int b) {
        run("broker-start", String.valueOf(b));
    }

    /** Deletes server i's data directory: it must be stopped. The next start finds an empty disk. */
    public void wipeData(int i) {
        delete(dir.resolve("data").resolve("s" + i));
    }

    /** Deletes everything of the group (data, keys, credentials, logs): it must be down. The next {@link #up} makes a new group. */
    public void wipe() {
        down();
        delete(dir);
    }

    /** Deletes a directory tree, if there is one. */
    static void delete(Path tree) {
        if (!Files.exists(tree)) {
            return;
        }
        try (var files = Files.walk(tree)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every later {@link #up} deploys the example application beside Regent ({@code group up --example}). */
    public LocalGroup withExample() {
        example = true;
        return this;
    }

    public void up() {
        if (example) {
            run("up", "--example");
        } else {
            run("up");
        }
        serversUp = true;
    }

    /** Starts the group with server K on {@code ears.get(K)} where given (another release's EAR), else this build. */
    public void up(Map<Integer, Path> ears) {
        Map<String, String> env = new java.util.HashMap<>();
        ears.forEach((k, ear) -> env.put("REGENT_SERVER_EAR_" + k, ear.toAbsolutePath().toString()));
        run(env, "up");
        serversUp = true;
    }

    /** (Re)starts server i on {@code ear}: another release's, for a rollback. */
    public void start(int i, Path ear) {
        run(Map.of("REGENT_SERVER_EAR_" + i, ear.toAbsolutePath().toString()), "start", String.valueOf(i));
    }

    /** {@code group upgrade}: every server restarted onto this build, backups first, the master last. */
    public void upgrade() {
        run("upgrade");
    }

    public void kill(int i) {
        run("kill", String.valueOf(i));
    }

    /**
     * SIGKILL to server i at once, without the script's start-up time in the way; returns the
     * time just before the signal, for measurements.
     */
    public long killNow(int i) {
        long pid = pid("s" + i);
        long before = System.currentTimeMillis();
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        try {
            Files.deleteIfExists(dir.resolve("s" + i + ".pid"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return before;
    }

    /** SIGKILL to every server at once: a whole-group crash. */
    public void killAllNow() {
        List<ProcessHandle> all = new java.util.ArrayList<>();
        for (int i = 1; i <= size; i++) {
            ProcessHandle.of(pid("s" + i)).ifPresent(all::add);
        }
        all.forEach(ProcessHandle::destroyForcibly);
        for (int i = 1; i <= size; i++) {
            try {
                Files.deleteIfExists(dir.resolve("s" + i + ".pid"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The broker (1, 2, ...) server i is connected to, from its {@code /api/group}. */
    public int brokerInUse(int i) {
        String current = status(i).getJsonObject("broker").getString("current");
        int port = Integer.parseInt(current.substring(current.lastIndexOf(':') + 1));
        return port - brokerPort + 1;
    }

    /**
     * Starts any server an earlier test class left stopped; true once every server is caught up
     * and one master is open, within {@code timeout}.
     */
    public boolean everyServerUp(Duration timeout) {
        for (int i = 1; i <= size; i++) {
            if (status(i) == null) {
                start(i);
            }
        }
        return await(timeout, this::allCaughtUp);
    }

    public void stop(int i) {
        run("stop", String.valueOf(i));
    }

    public void start(int i) {
        run("start", String.valueOf(i));
    }

    public void pause(int i) {
        run("pause", String.valueOf(i));
    }

    public void resume(int i) {
        run("resume", String.valueOf(i));
    }

    /** Stops every server, the load balancer and the brokers, by PID. */
    public void down() {
        run("down");
        serversUp = false;
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException exiting) {
            // called by the hook itself
        }
        down();
    }

    public boolean serversUp() {
        return serversUp;
    }

    private void run(String... args) {
        run(Map.of(), args);
    }

    private void run(Map<String, String> env, String... args) {
        try {
            Files.createDirectories(dir);
            List<String> command = new java.util.ArrayList<>(List.of("bash", script.toString()));
            command.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(command);
            // only the settings of this group: none inherited from whoever runs the tests
            pb.environment().keySet().removeIf(k -> k.startsWith("REGENT_"));
            pb.environment().put("REGENT_GROUP_DIR", dir.toAbsolutePath().toString());
            pb.environment().put("REGENT_GROUP_SIZE", String.valueOf(size));
            pb.environment().put("REGENT_HTTP_BASE", String.valueOf(httpBase));
            pb.environment().put("REGENT_BROKER_PORT", String.valueOf(brokerPort));
            pb.environment().put("REGENT_BROKER_PASSWORD", "regent-it-broker");
            pb.environment().putAll(Users.groupEnvironment());
            pb.environment().put("REGENT_TLS_PASSWORD", TLS_PASSWORD);
            // a server restarted under load that must install the whole store (it was down for most
            // of the run) has taken over three minutes on two cores: restart speed is issue 32's,
            // not what these tests judge
            pb.environment().put("REGENT_START_TIMEOUT", "240");
            pb.environment().putAll(extraEnv);
            pb.environment().putAll(env);
            File log = dir.resolve("group-script.log").toFile();
            pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log));
            Process p = pb.start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("group " + String.join(" ", args) + " timed out");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("group " + String.join(" ", args) + " failed (exit " + p.exitValue()
                        + "); see " + log);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- HTTP ---------------------------------------------------------------------------

    /** HAProxy, started by the group script, in front of the servers (HTTPS, like them). */
    public String balancerUrl() {
        return "https://127.0.0.1:" + httpBase;
    }

    /**
     * The tests' clients trust any key: each test group has its own CA, and HAProxy (which
     * verifies the servers against it) and SecurityIT check the keys themselves.
     */
    public static javax.net.ssl.SSLContext trustingSelfSigned() {
        javax.net.ssl.TrustManager trustAll = new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String auth) {
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String auth) {
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        };
        try {
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, new javax.net.ssl.TrustManager[] {trustAll}, null);
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String url(int i) {
        return "https://" + (hosts.isEmpty() ? "127.0.0.1" : hosts.get(i - 1)) + ":" + (httpBase + i);
    }

    /** A secret bin/group made for this group (its credentials file: KEY=value lines). */
    public String credential(String key) {
        try {
            return Files.readAllLines(dir.resolve("credentials")).stream().filter(l -> l.startsWith(key + "="))
                    .map(l -> l.substring(key.length() + 1)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no " + key + " in the credentials file"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A file bin/group wrote for this group (e.g. prometheus.yml). */
    public Path file(String name) {
        return dir.resolve(name).toAbsolutePath();
    }

    /** The group CA's certificate (PEM): every server's, broker's and HAProxy's key chains to it. */
    public Path caFile() {
        return dir.resolve("tls").resolve("ca.pem").toAbsolutePath();
    }

    /** The trust store with the group's CA, and its password. */
    public Path trustStore() {
        return dir.resolve("tls").resolve("truststore.p12").toAbsolutePath();
    }

    /** The key store (key, certificate and the CA) bin/group made for {@code name}: s1, broker2, lb... */
    public Path keyStore(String name) {
        return dir.resolve("tls").resolve(name + ".p12").toAbsolutePath();
    }

    public static final String TLS_PASSWORD = "it-tls-password";

    /** Broker b's address, host:port. */
    public String brokerAddress(int b) {
        return (hosts.isEmpty() ? "127.0.0.1" : hosts.get(b - 1)) + ":" + (brokerPort + b - 1);
    }

    /** The PID of server i (or "broker", "lb"), from the group script's PID file. */
    public long pid(String name) {
        try {
            return Long.parseLong(Files.readString(dir.resolve(name + ".pid")).trim());
        } catch (IOException e) {
            throw new IllegalStateException("no PID file for " + name, e);
        }
    }

    /** The PIDs of the group's servers and brokers now running (not the load balancer's). */
    public List<Long> pids() {
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.matches("(s|broker)\\d+\\.pid"))
                    .map(f -> pid(f.substring(0, f.length() - ".pid".length())))
                    .filter(pid -> Files.exists(Path.of("/proc", Long.toString(pid)))).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + dir, e);
        }
    }

    /** GET as regent-reader. */
    public static HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", Users.basic(Users.READER)).GET());
    }

    /** POST of an empty JSON object as regent-admin: the group operations. */
    public static HttpResponse<String> post(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", Users.basic(Users.ADMIN))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));
    }

    /** The request as built, as regent-reader, without waiting for the answer. */
    public static java.util.concurrent.CompletableFuture<HttpResponse<String>> sendAsync(HttpRequest.Builder request) {
        return sendAsync(request, Users.READER);
    }

    /** The request as built, as {@code user}, without waiting for the answer. */
    public static java.util.concurrent.CompletableFuture<HttpResponse<String>> sendAsync(HttpRequest.Builder request,
            String user) {
        return HTTP.sendAsync(request.header("Authorization", Users.basic(user)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The request as built, credentials and all; null if it got no answer. */
    public static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    public static JsonObject json(String body) {
        return Json.createReader(new StringReader(body)).readObject();
    }

    public static jakarta.json.JsonArray readArray(String body) {
        return Json.createReader(new StringReader(body)).readArray();
    }

    /**
     * The role events the example application on server i was told, in order, each with its
     * {@code event} (granted or revoked), {@code epoch}, {@code detail} and {@code atMillis}
     * (the server's clock, which is this machine's).
     */
    public java.util.List<JsonObject> exampleRoleEvents(int i) {
        HttpResponse<String> r = get(url(i) + "/example/api/runs/roles");
        if (r == null || r.statusCode() != 200) {
            throw new IllegalStateException("s" + i + "'s role events: " + (r == null ? "no answer" : r.statusCode()));
        }
        return readArray(r.body()).getValuesAs(JsonObject.class);
    }

    /** Servers in the group. */
    public int size() {
        return size;
    }

    /** Server i's /api/group, or null if it does not answer. */
    public JsonObject status(int i) {
        HttpResponse<String> r = get(url(i) + "/api/group");
        return r == null || r.statusCode() != 200 ? null : json(r.body());
    }

    /** Server i's role port. */
    public java.net.InetSocketAddress roleAddress(int i) {
        return new java.net.InetSocketAddress(hosts.isEmpty() ? "127.0.0.1" : hosts.get(i - 1), httpBase + 2000 + i);
    }

    /** Where server i takes its followers' acknowledgements straight from them, with REGENT_DIRECT_ACKS=true. */
    public java.net.InetSocketAddress ackAddress(int i) {
        return new java.net.InetSocketAddress(hosts.isEmpty() ? "127.0.0.1" : hosts.get(i - 1), httpBase + 3000 + i);
    }

    /** Server i's role endpoint, {@code GET /role/<role>} (master or member): 200 or not. */
    public boolean role(int i, String role) {
        java.net.InetSocketAddress port = roleAddress(i);
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create("http://" + port.getHostString() + ":"
                + port.getPort() + "/role/" + role)).GET());
        return r != null && r.statusCode() == 200;
    }

    public boolean ready(int i) {
        HttpResponse<String> r = get(url(i) + "/health/ready");
        return r != null && r.statusCode() == 200;
    }

    /** Polls until {@code condition} holds; false if it did not within {@code timeout}. */
    public static boolean await(Duration timeout, BooleanSupplier condition) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }

    // ---- memory -------------------------------------------------------------------------

    /** Server i's resident memory (VmRSS), in MB; -1 if it is not running. */
    public long rssMegabytes(int i) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid("s" + i) + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | IllegalStateException e) {
            return -1;
        }
        return -1;
    }

    /** Server i's heap in use (MicroProfile Metrics' memory.usedHeap), in MB; -1 if it does not answer. */
    public long heapUsedMegabytes(int i) {
        HttpResponse<String> r = get(url(i) + "/metrics?scope=base");
        if (r == null || r.statusCode() != 200) {
            return -1;
        }
        for (String line : r.body().split("\n")) {
            if (line.startsWith("memory_usedHeap_bytes")) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) / (1024 * 1024);
            }
        }
        return -1;
    }

    // ---- the replicated state -----------------------------------------------------------

    /** The only ready server other than {@code skip} (0: none skipped), or -1 if none or several. */
    public int soleReady(int skip) {
        int ready = -1;
        for (int i = 1; i <= size; i++) {
            if (i != skip && ready(i)) {
                if (ready > 0) {
                    return -1;
                }
                ready = i;
            }
        }
        return ready;
    }

    /**
     * Waits for exactly one ready server other than {@code skip} (0: none skipped).
     *
     * @return it
     * @throws IllegalStateException if there is none within {@code timeout}
     */
    public int awaitSoleReady(int skip, Duration timeout) {
        int[] found = new int[1];
        if (!await(timeout, () -> (found[0] = soleReady(skip)) > 0)) {
            throw new IllegalStateException("no sole ready master" + (skip > 0 ? " but s" + skip : "") + " within " + timeout);
        }
        return found[0];
    }

    /** The only server other than {@code skip} whose role port says master, or -1 if none or several. */
    public int soleMasterByRole(int skip) {
        int master = -1;
        for (int i = 1; i <= size; i++) {
            if (i != skip && role(i, "master")) {
                if (master > 0) {
                    return -1;
                }
                master = i;
            }
        }
        return master;
    }

    /** Every server follows with a caught-up copy (BACKUP) or is the one master open for writes. */
    public boolean allCaughtUp() {
        int open = 0;
        for (int i = 1; i <= size; i++) {
            JsonObject s = status(i);
            JsonObject r = replication(i);
            String role = s == null ? null : s.getString("role");
            if (r == null || !("BACKUP".equals(role) || "MASTER".equals(role))) {
                return false;
            }
            open += "MASTER".equals(role) && r.getBoolean("open") ? 1 : 0;
        }
        return open == 1;
    }

    /**
     * Every server runs this build and has the group at this build's protocol version: a new
     * group is finalised moments after its master opens (DESIGN.md §8.2), with one write.
     */
    public boolean finalised() {
        for (int i = 1; i <= size; i++) {
            JsonObject s = status(i);
            if (s == null || !s.containsKey("versions")
                    || s.getJsonObject("versions").getInt("group") != s.getJsonObject("release").getInt("protocol")) {
                return false;
            }
        }
        return true;
    }

    /** Each server's position and digest ("applied digest"); one entry when all agree. */
    public java.util.Set<String> positions() {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 1; i <= size; i++) {
            JsonObject r = replication(i);
            seen.add(r == null ? "s" + i + " silent" : r.getString("applied") + " " + r.getString("digest"));
        }
        return seen;
    }

    /**
     * The newest epoch any live server reports ("term.index": a higher term is newer, then the
     * better, lower, index), or null if none answers: it changes with every election and handover.
     */
    public String newestEpoch() {
        String newest = null;
        for (int i = 1; i <= size; i++) {
            JsonObject s = status(i);
            String epoch = s == null ? null : s.getString("epoch", null);
            if (epoch != null && (newest == null || EPOCH_ORDER.compare(epoch, newest) > 0)) {
                newest = epoch;
            }
        }
        return newest;
    }

    private static final java.util.Comparator<String> EPOCH_ORDER = java.util.Comparator
            .<String>comparingLong(e -> Long.parseLong(e.substring(0, e.indexOf('.'))))
            .thenComparingLong(e -> -Long.parseLong(e.substring(e.indexOf('.') + 1)));

    /** Server i's /api/replication, or null if it does not answer. */
    public JsonObject replication(int i) {
        HttpResponse<String> r = get(url(i) + "/api/replication");
        return r == null || r.statusCode() != 200 ? null : json(r.body());
    }
}

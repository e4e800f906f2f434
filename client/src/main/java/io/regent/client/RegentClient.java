package io.regent.client;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A Java client for Regent's key-value API. It finds the master itself (it follows 307s and
 * {@code Regent-Master-Url}), retries with back-off across a failover until its deadline, and sends
 * every write with an idempotency key that stays the same across the write's retries, so that a
 * write is applied at most once even when an attempt's answer was lost (a 503 "inDoubt", a master
 * killed mid-write): a retry gets the first attempt's answer.
 *
 * <pre>{@code
 * RegentClient regent = RegentClient.builder(URI.create("https://s1:9443"), URI.create("https://s2:9443"))
 *         .credentials("regent-writer", password).build();
 * Item written = regent.put("greeting", "hello");
 * Optional<Item> read = regent.get("greeting", Consistency.LINEARIZABLE);
 * TxnResult swapped = regent.txn(Txn.create().ifValue("greeting", "hello").thenPut("greeting", "bye"));
 * try (Watch w = regent.watch("greet", -1, change -> System.out.println(change))) { ... }
 * }</pre>
 *
 * Thread-safe; one instance per application.
 */
public final class RegentClient {

    private static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final String MASTER_URL = "Regent-Master-Url";
    /** The error of Regent's 404 for a key that does not exist (the web container's own 404s carry none). */
    private static final String NO_SUCH_KEY = "no such key";

    private final HttpClient http;
    private final Route route;
    private final String authorization;
    private final Duration deadline;
    private final Duration attemptTimeout;

    private RegentClient(Builder b) {
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(b.attemptTimeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (b.sslContext != null) {
            http.sslContext(b.sslContext);
        }
        this.http = http.build();
        this.route = new Route(b.servers);
        this.authorization = b.user == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((b.user + ":" + b.password).getBytes(StandardCharsets.UTF_8));
        this.deadline = b.deadline;
        this.attemptTimeout = b.attemptTimeout;
    }

    /**
     * @param servers every server of the group, any order (a redirect or a named master is followed
     *                only to one of them, so the credentials never leave them), or a load balancer
     */
    public static Builder builder(URI... servers) {
        return new Builder(List.of(servers));
    }

    // ---- the API --------------------------------------------------------------------------

    /** Writes {@code value}: applied once, whatever the retries; the item as written. */
    public Item put(String key, String value) {
        return write("PUT", key, HttpRequest.BodyPublishers.ofString(
                Json.createObjectBuilder().add("value", value).build().toString()));
    }

    /** Deletes {@code key}; false if it did not exist. */
    public boolean delete(String key) {
        try {
            write("DELETE", key, HttpRequest.BodyPublishers.noBody());
            return true;
        } catch (RegentException e) {
            if (e.status() == 404) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Runs {@code txn} as one write: applied once, whatever the retries (one idempotency key
     * covers every attempt).
     */
    public TxnResult txn(Txn txn) {
        HttpResponse<String> r = send("POST", "/api/kv/txn", HttpRequest.BodyPublishers.ofString(txn.body()),
                UUID.randomUUID().toString());
        JsonObject o = json(r.body());
        List<TxnResult.Written> writes = new ArrayList<>();
        for (JsonObject w : o.getJsonArray("results").getValuesAs(JsonObject.class)) {
            writes.add(new TxnResult.Written(w.getString("key"), w.getString("outcome"), w.getJsonNumber("version").longValue()));
        }
        return new TxnResult(o.getBoolean("succeeded"), writes);
    }

    public Optional<Item> get(String key) {
        return get(key, Consistency.ANY);
    }

    public Optional<Item> get(String key, Consistency consistency) {
        String query = consistency == Consistency.LINEARIZABLE ? "?consistency=linearizable" : "";
        HttpResponse<String> r = send("GET", path(key) + query, HttpRequest.BodyPublishers.noBody(), null);
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        return Optional.of(item(key, json(r.body())));
    }

    /**
     * Watches the keys under {@code prefix}: {@code listener} gets every committed change after
     * position {@code after} (a read's {@code Regent-Applied}, a write's {@code Regent-Seq}; -1:
     * from now), once and in order, on the watch's own thread, across failovers. Close the watch
     * to stop it.
     */
    public Watch watch(String prefix, long after, java.util.function.Consumer<Change> listener) {
        String query = "/api/kv?watch&prefix=" + URLEncoder.encode(prefix, StandardCharsets.UTF_8)
                + (after < 0 ? "" : "&after-seq=" + after);
        return new Watch(http, route, authorization, query, after, listener);
    }

    // ---- requests -------------------------------------------------------------------------

    private Item write(String method, String key, HttpRequest.BodyPublisher body) {
        String once = UUID.randomUUID().toString();
        HttpResponse<String> r = send(method, path(key), body, once);
        JsonObject answer = json(r.body());
        return item(key, answer);
    }

    /**
     * Sends until a server gives a final answer (2xx, or a 4xx about the request itself) or the
     * deadline passes: a 307 or a named master moves the route, a 503 or no answer backs off and
     * tries again, the next server if the master is gone.
     */
    private HttpResponse<String> send(String method, String pathAndQuery, HttpRequest.BodyPublisher body, String once) {
        long end = System.nanoTime() + deadline.toNanos();
        Backoff backoff = new Backoff();
        String lastProblem = "no server answered";
        while (System.nanoTime() < end) {
            URI target = route.target();
            HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(pathAndQuery)).timeout(attemptTimeout)
                    .method(method, body).header("Content-Type", "application/json");
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            if (once != null) {
                request.header(IDEMPOTENCY_KEY, once);
            }
            HttpResponse<String> r;
            try {
                r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                lastProblem = target + ": " + e;
                route.failed(target);
                backoff.pause();
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegentException(0, "interrupted");
            }
            int status = r.statusCode();
            if (status == 307) {
                URI master = r.headers().firstValue("Location").map(l -> root(URI.create(l))).orElse(null);
                if (master == null || !route.masterIs(master)) {
                    lastProblem = target + " redirected to " + master + ", which is not one of the configured servers";
                    route.failed(target);
                    backoff.pause();
                }
                continue;
            }
            if (status == 503 || status == 502 || status == 504) {
                lastProblem = target + " answered " + status + ": " + error(r.body());
                URI named = r.headers().firstValue(MASTER_URL).filter(u -> !u.isEmpty()).map(u -> root(URI.create(u)))
                        .orElse(null);
                if (named == null || named.equals(root(target)) || !route.masterIs(named)) {
                    route.failed(target);
                }
                backoff.pause();
                continue;
            }
            if (status == 404 && !noSuchKey(r)) {
                // the server's HTTP port answers before Regent is deployed on it (a restart): not an answer
                lastProblem = target + " answered 404 without Regent: " + r.body();
                route.failed(target);
                backoff.pause();
                continue;
            }
            if (status >= 200 && status < 300 || (status == 404 && method.equals("GET"))) {
                return r;
            }
            throw new RegentException(status, error(r.body()));
        }
        throw new RegentException(0, "no answer within " + deadline.toMillis() + " ms; last: " + lastProblem);
    }

    /** Whether a 404 is Regent's own "no such key", not the web container's for an application not started. */
    static boolean noSuchKey(HttpResponse<String> r) {
        try {
            return NO_SUCH_KEY.equals(json(r.body()).getString("error", null));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String path(String key) {
        return "/api/kv/" + URLEncoder.encode(key, StandardCharsets.UTF_8);
    }

    /** The server a URL names, as the route compares servers: scheme, host and port (the default one filled in). */
    static URI root(URI url) {
        int port = url.getPort() >= 0 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
        String host = url.getHost() != null ? url.getHost() : url.getRawAuthority();
        return URI.create(url.getScheme().toLowerCase(java.util.Locale.ROOT) + "://"
                + (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port + "/");
    }

    private static Item item(String key, JsonObject o) {
        return new Item(o.getString("key", key), o.containsKey("value") ? o.getString("value") : null,
                o.getJsonNumber("version").longValue());
    }

    private static JsonObject json(String body) {
        try (JsonReader r = Json.createReader(new StringReader(body))) {
            return r.readObject();
        }
    }

    static String error(String body) {
        try {
            return json(body).getString("error", body);
        } catch (RuntimeException e) {
            return body;
        }
    }

    /** Doubling pauses between attempts, 50 ms to 1 s. */
    private static final class Backoff {
        private long millis = 50;

        void pause() {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegentException(0, "interrupted");
            }
            millis = Math.min(1_000, millis * 2);
        }
    }

    /** How to reach the group. */
    public static final class Builder {
        private final List<URI> servers;
        private String user;
        private String password;
        private SSLContext sslContext;
        private Duration deadline = Duration.ofSeconds(30);
        private Duration attemptTimeout = Duration.ofSeconds(5);

        private Builder(List<URI> servers) {
            this.servers = new ArrayList<>();
            servers.forEach(s -> this.servers.add(root(s)));
        }

        /** HTTP Basic credentials: a regent-writer for writes, a regent-reader for reads. */
        public Builder credentials(String user, String password) {
            this.user = user;
            this.password = password;
            return this;
        }

        /** The TLS context that trusts the group's CA (default: the JVM's trust store). */
        public Builder sslContext(SSLContext context) {
            this.sslContext = context;
            return this;
        }

        /** How long one call may keep retrying (default 30 s). */
        public Builder deadline(Duration deadline) {
            this.deadline = deadline;
            return this;
        }

        /** How long one attempt may take (default 5 s). */
        public Builder attemptTimeout(Duration timeout) {
            this.attemptTimeout = timeout;
            return this;
        }

        public RegentClient build() {
            return new RegentClient(this);
        }
    }
}
